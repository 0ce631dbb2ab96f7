package dev.skiff.emulator.capture;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.runtime.capture.CaptureRecord;
import dev.skiff.runtime.protocol.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * What Firehose does on AWS, on a laptop: the capture lines in the functions' and the pool's
 * output go to {@code <dir>/<model>/<version>/<yyyy-MM-dd-HH>.jsonl} (one file an hour, UTC), where
 * {@code skiff baseline} and {@code skiff drift} read them; every other line goes on to the console.
 */
public final class CaptureDirectorySink implements LogSink, AutoCloseable {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH");

    private final Path directory;
    private final LogSink others;
    private final Map<Path, BufferedWriter> open = new HashMap<>();

    public CaptureDirectorySink(Path directory, LogSink others) {
        this.directory = directory;
        this.others = others;
    }

    @Override
    public void line(String functionName, String line) {
        if (!CaptureRecord.isCaptureLine(line)) {
            others.line(functionName, line);
            return;
        }
        String[] modelAndVersion = modelAndVersion(line);
        if (modelAndVersion == null) {
            others.line(functionName, line); // a capture line we cannot place: better seen than lost
            return;
        }
        Path file = directory
                .resolve(modelAndVersion[0])
                .resolve(modelAndVersion[1])
                .resolve(HOUR.format(ZonedDateTime.now(ZoneOffset.UTC)) + ".jsonl");
        try {
            append(file, line);
        } catch (IOException e) {
            others.line(functionName, "cannot write a capture line to " + file + ": " + e.getMessage());
        }
    }

    private synchronized void append(Path file, String line) throws IOException {
        BufferedWriter writer = open.get(file);
        if (writer == null) {
            Files.createDirectories(file.getParent());
            writer = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            open.put(file, writer);
        }
        writer.write(line);
        writer.write('\n');
        writer.flush(); // a drift check may read the directory while the emulator runs
    }

    /** The record's model and version, from its top-level fields; null when it has none or they are not plain names. */
    static String[] modelAndVersion(String line) {
        String model = null;
        String version = null;
        try (JsonParser p = Json.FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME && (model == null || version == null)) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("model") && value == JsonToken.VALUE_STRING) model = p.getText();
                else if (field.equals("modelVersion") && value == JsonToken.VALUE_STRING) version = p.getText();
                else p.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return isPlainName(model) && isPlainName(version) ? new String[] {model, version} : null;
    }

    /** A name that is one directory: no separators, no "..". */
    private static boolean isPlainName(String name) {
        return name != null
                && !name.isEmpty()
                && name.length() <= 128
                && name.matches("[A-Za-z0-9._-]+")
                && !name.startsWith(".");
    }

    @Override
    public synchronized void close() {
        for (BufferedWriter writer : open.values()) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        open.clear();
    }
}
