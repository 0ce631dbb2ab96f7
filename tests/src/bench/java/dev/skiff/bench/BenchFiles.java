package dev.skiff.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The example models and requests the benchmarks use, and the API Gateway events that carry them. */
public final class BenchFiles {
    private BenchFiles() {}

    /** The repository root: {@code -Dskiff.repo}, else the nearest parent of the working directory with examples/. */
    public static Path repoRoot() {
        String configured = System.getProperty("skiff.repo");
        if (configured != null) return Path.of(configured).toAbsolutePath();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("examples/requests")) && Files.isRegularFile(dir.resolve("mvnw")))
                return dir;
        }
        throw new IllegalStateException("cannot find the repository root (examples/requests); set -Dskiff.repo");
    }

    public static Path models() {
        return repoRoot().resolve("examples/models");
    }

    public static byte[] request(String model) {
        try {
            return Files.readAllBytes(repoRoot().resolve("examples/requests").resolve(model + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An API Gateway HTTP API (payload 2.0) event for POST /v2/models/{model}/infer with this body. */
    public static byte[] httpApiEvent(String model, byte[] body) {
        String path = "/v2/models/" + model + "/infer";
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1024);
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("version", "2.0");
            g.writeStringField("routeKey", "POST /v2/models/{model}/infer");
            g.writeStringField("rawPath", path);
            g.writeStringField("rawQueryString", "");
            g.writeObjectFieldStart("headers");
            g.writeStringField("accept", "application/json");
            g.writeStringField("content-length", Integer.toString(body.length));
            g.writeStringField("content-type", "application/json");
            g.writeStringField("host", "abc123.execute-api.us-east-1.amazonaws.com");
            g.writeStringField("user-agent", "skiff-bench");
            g.writeStringField("x-forwarded-for", "203.0.113.7");
            g.writeStringField("x-forwarded-port", "443");
            g.writeStringField("x-forwarded-proto", "https");
            g.writeEndObject();
            g.writeObjectFieldStart("requestContext");
            g.writeStringField("accountId", "123456789012");
            g.writeStringField("apiId", "abc123");
            g.writeStringField("domainName", "abc123.execute-api.us-east-1.amazonaws.com");
            g.writeStringField("domainPrefix", "abc123");
            g.writeObjectFieldStart("http");
            g.writeStringField("method", "POST");
            g.writeStringField("path", path);
            g.writeStringField("protocol", "HTTP/1.1");
            g.writeStringField("sourceIp", "203.0.113.7");
            g.writeStringField("userAgent", "skiff-bench");
            g.writeEndObject();
            g.writeStringField("requestId", "JKJaXmPLvHcESHA=");
            g.writeStringField("routeKey", "POST /v2/models/{model}/infer");
            g.writeStringField("stage", "$default");
            g.writeStringField("time", "21/Nov/2026:22:00:00 +0000");
            g.writeNumberField("timeEpoch", 1795298400000L);
            g.writeEndObject();
            g.writeObjectFieldStart("pathParameters");
            g.writeStringField("model", model);
            g.writeEndObject();
            g.writeStringField("body", new String(body, StandardCharsets.UTF_8));
            g.writeBooleanField("isBase64Encoded", false);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
