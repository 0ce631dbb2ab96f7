package dev.skiff.emulator.environment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The output of one environment process. The process writes to a file (not a pipe) so that
 * everything it wrote before posting its response can be read at once when the response
 * arrives; lines go to the {@link LogSink} and, during an invocation, into that invocation's log.
 */
final class EnvironmentLog implements AutoCloseable {
    private final Path file;
    private final String functionName;
    private final LogSink sink;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final StringBuilder partialLine = new StringBuilder();
    private StringBuilder invocationLog;
    private long offset;

    EnvironmentLog(Path file, String functionName, LogSink sink) {
        this.file = file;
        this.functionName = functionName;
        this.sink = sink;
        try {
            Files.createFile(file);
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the environment log " + file, e);
        }
    }

    Path file() {
        return file;
    }

    /** Reads what the process wrote since the last call and emits every complete line. */
    synchronized void pump() {
        try {
            while (true) {
                buffer.clear();
                int read = channel.read(buffer, offset);
                if (read <= 0) {
                    return;
                }
                offset += read;
                buffer.flip();
                // decoding per chunk may split a multi-byte character; the log is for people, so that is acceptable
                partialLine.append(StandardCharsets.UTF_8.decode(buffer));
                int newline;
                while ((newline = partialLine.indexOf("\n")) >= 0) {
                    emit(partialLine.substring(0, newline));
                    partialLine.delete(0, newline + 1);
                }
            }
        } catch (IOException e) {
            // the file is gone (emulator shutting down): nothing more to read
        }
    }

    /** Emits a line the emulator itself writes (START, END, REPORT, errors). */
    synchronized void emit(String line) {
        String clean = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        sink.line(functionName, clean);
        if (invocationLog != null) {
            invocationLog.append(clean).append('\n');
        }
    }

    synchronized void beginInvocation() {
        pump();
        invocationLog = new StringBuilder();
    }

    /** Reads the rest of the output and returns the invocation's log. */
    synchronized String endInvocation(String... closingLines) {
        pump();
        if (!partialLine.isEmpty()) {
            emit(partialLine.toString());
            partialLine.setLength(0);
        }
        for (String line : closingLines) {
            emit(line);
        }
        String log = invocationLog == null ? "" : invocationLog.toString();
        invocationLog = null;
        return log;
    }

    @Override
    public synchronized void close() {
        pump();
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temp file is harmless
        }
    }
}
