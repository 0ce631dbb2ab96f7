package dev.skiff.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.skiff.runtime.protocol.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one published version holds: each file of its directory, and its model's config.json, with
 * size and SHA-256. It is written last when a version is published, so a version whose manifest is
 * there is complete; a task checks every file it downloads against it.
 *
 * @param config the model's config.json at publish time, or null when the model has none
 * @param files  file name in the version directory to its entry
 */
public record VersionManifest(String model, long version, FileEntry config, Map<String, FileEntry> files) {
    public static final String FILE_NAME = "skiff-manifest.json";

    public record FileEntry(String sha256, long size) {}

    public VersionManifest {
        files = Collections.unmodifiableMap(new TreeMap<>(files));
    }

    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", model);
            g.writeStringField("version", Long.toString(version));
            if (config != null) {
                g.writeFieldName("config");
                write(g, config);
            }
            g.writeObjectFieldStart("files");
            for (Map.Entry<String, FileEntry> file : files.entrySet()) {
                g.writeFieldName(file.getKey());
                write(g, file.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** @throws IllegalArgumentException naming {@code where} when the manifest is not one */
    public static VersionManifest parse(byte[] json, String where) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw bad(where, "not a JSON object");
            String model = null;
            String version = null;
            FileEntry config = null;
            Map<String, FileEntry> files = new TreeMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "model" -> model = p.getValueAsString();
                    case "version" -> version = p.getValueAsString();
                    case "config" -> config = entry(p, where);
                    case "files" -> {
                        if (p.currentToken() != JsonToken.START_OBJECT) throw bad(where, "\"files\" is not an object");
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                                throw bad(where, "file name '" + name + "' is not a plain file name");
                            }
                            p.nextToken();
                            files.put(name, entry(p, where));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (model == null || version == null) throw bad(where, "\"model\" and \"version\" are required");
            return new VersionManifest(model, Long.parseLong(version), config, files);
        } catch (JsonProcessingException | NumberFormatException e) {
            throw bad(where, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileEntry entry(JsonParser p, String where) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) throw bad(where, "a file entry is not an object");
        String sha = null;
        long size = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("sha256")) sha = p.getValueAsString();
            else if (field.equals("size")) size = p.getLongValue();
            else p.skipChildren();
        }
        if (sha == null || size < 0) throw bad(where, "a file entry needs \"sha256\" and \"size\"");
        return new FileEntry(sha, size);
    }

    private static void write(JsonGenerator g, FileEntry entry) throws IOException {
        g.writeStartObject();
        g.writeStringField("sha256", entry.sha256());
        g.writeNumberField("size", entry.size());
        g.writeEndObject();
    }

    private static IllegalArgumentException bad(String where, String why) {
        return new IllegalArgumentException(where + " is not a version manifest: " + why);
    }
}
