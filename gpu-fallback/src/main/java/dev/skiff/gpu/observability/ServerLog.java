package dev.skiff.gpu.observability;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.skiff.runtime.protocol.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The server's own events (start, provider choice, model loads, drain) as one JSON object a line,
 * beside the per-request lines of function-runtime's RequestLog.
 */
public final class ServerLog {
    private final PrintStream out;

    public ServerLog(PrintStream out) {
        this.out = out;
    }

    public void info(String message, Object... fields) {
        write("INFO", message, fields);
    }

    public void warn(String message, Object... fields) {
        write("WARN", message, fields);
    }

    public void error(String message, Object... fields) {
        write("ERROR", message, fields);
    }

    /** @param fields name, value, name, value...; numbers and booleans stay JSON numbers and booleans */
    private void write(String level, String message, Object[] fields) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.now().toString());
            g.writeStringField("level", level);
            g.writeStringField("message", message);
            g.writeStringField("Target", "gpu-pool");
            for (int i = 0; i + 1 < fields.length; i += 2) {
                String name = String.valueOf(fields[i]);
                Object value = fields[i + 1];
                if (value == null) g.writeNullField(name);
                else if (value instanceof Integer || value instanceof Long) g.writeNumberField(name, ((Number) value).longValue());
                else if (value instanceof Number n) g.writeNumberField(name, n.doubleValue());
                else if (value instanceof Boolean b) g.writeBooleanField(name, b);
                else g.writeStringField(name, value.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println(line);
    }
}
