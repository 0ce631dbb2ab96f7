package dev.skiff.runtime.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.skiff.runtime.protocol.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * config.json's {@code "warmup"}: a real request in the protocol's JSON that each loaded version
 * runs before it serves, for models whose inputs cannot be zeros (shapes, axes, steps, divisors).
 * Either inline ({@code "warmup": {"inputs": [...]}}) or the name of a file beside model.onnx,
 * else beside config.json ({@code "warmup": "warmup.json"}).
 *
 * @param inlineJson the request itself, or null when it is in a file
 * @param file the file's name, or null when inline
 */
public record WarmUpRequest(String inlineJson, String file) {
    public WarmUpRequest {
        if ((inlineJson == null) == (file == null))
            throw new IllegalArgumentException("a warm-up request is inline or in a file");
    }

    public static WarmUpRequest inline(String json) {
        return new WarmUpRequest(json, null);
    }

    public static WarmUpRequest inFile(String name) {
        return new WarmUpRequest(null, name);
    }

    /** Reads the value of config.json's "warmup": an object (the request) or a file name. */
    static WarmUpRequest read(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            String name = p.getText();
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..")) {
                throw new IllegalArgumentException(
                        "\"warmup\" names a file beside model.onnx or config.json, not a path: " + name);
            }
            return inFile(name);
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("\"warmup\" must be a request object ({\"inputs\": [...]}) "
                    + "or the name of a file that holds one, not " + p.getText());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.copyCurrentStructure(p);
        }
        return inline(out.toString(StandardCharsets.UTF_8));
    }

    /** Where the request is, as a load error names it. */
    public String source() {
        return file == null ? "config.json's inline \"warmup\"" : "the warm-up file " + file;
    }

    /** The request's bytes for a version directory: the inline JSON, or the file beside its model.onnx or config.json. */
    public byte[] body(Path versionDir) {
        if (inlineJson != null) return inlineJson.getBytes(StandardCharsets.UTF_8);
        Path[] candidates = {versionDir.resolve(file), versionDir.getParent().resolve(file)};
        for (Path candidate : candidates) {
            try {
                return Files.readAllBytes(candidate);
            } catch (NoSuchFileException e) {
                // try the next place
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + candidate + ": " + e.getMessage(), e);
            }
        }
        throw new ModelLoadException("config.json's \"warmup\" names " + file + ", which is neither in " + versionDir
                + " nor in " + versionDir.getParent());
    }
}
