package dev.skiff.runtime.observability;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.protocol.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One JSON line per request on stdout, which is also a CloudWatch Embedded Metric Format
 * record: CloudWatch turns its latency, error and cold-start fields into metrics per model and
 * version, and Logs Insights can query the rest.
 */
public final class RequestLog {
    public static final String NAMESPACE = "Skiff";

    private static final List<List<String>> DIMENSIONS =
            List.of(List.of("Model", "Target"), List.of("Model", "Version", "Target"));
    private static final List<EmbeddedMetrics.Metric> METRICS = List.of(
            new EmbeddedMetrics.Metric("Latency", "Milliseconds"),
            new EmbeddedMetrics.Metric("InferenceLatency", "Milliseconds"),
            new EmbeddedMetrics.Metric("Errors", "Count"),
            new EmbeddedMetrics.Metric("ClientErrors", "Count"),
            new EmbeddedMetrics.Metric("ColdStart", "Count"));

    private final PrintStream out;
    private final Target target;

    /** @param target where the request ran */
    public RequestLog(PrintStream out, Target target) {
        this.out = out;
        this.target = target;
    }

    public record Entry(
            String requestId,
            String event,
            String model,
            String version,
            int status,
            boolean coldStart,
            long parseNanos,
            long inferNanos,
            long writeNanos,
            long totalNanos,
            String error) {}

    public void write(Entry e) {
        write(e, new ByteArrayOutputStream(1024));
    }

    /**
     * Writes the entry's line after the request's other lines already in {@code lines} (its
     * capture record) in one write: one call into the stream, one flush.
     *
     * @param lines UTF-8 lines, each with its newline; the entry's line is appended to them
     */
    public void write(Entry e, ByteArrayOutputStream lines) {
        format(e, System.currentTimeMillis(), lines);
        lines.write('\n');
        try {
            lines.writeTo(out); // the buffer itself, not a copy of it
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a PrintStream does not throw
        }
    }

    public String format(Entry e, long epochMillis) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        format(e, epochMillis, line);
        return line.toString(StandardCharsets.UTF_8);
    }

    private void format(Entry e, long epochMillis, ByteArrayOutputStream line) {
        try (JsonGenerator g = Json.FACTORY.createGenerator(line)) {
            g.writeStartObject();
            EmbeddedMetrics.writeMetadata(g, epochMillis, NAMESPACE, DIMENSIONS, METRICS);
            g.writeStringField("level", e.status() >= 500 ? "ERROR" : e.status() >= 400 ? "WARN" : "INFO");
            g.writeStringField("message", "request");
            g.writeStringField("requestId", e.requestId());
            g.writeStringField("event", e.event());
            g.writeStringField("Model", e.model() == null ? "none" : e.model());
            g.writeStringField("Version", e.version() == null ? "none" : e.version());
            g.writeStringField("Target", target.wireName());
            g.writeNumberField("status", e.status());
            g.writeBooleanField("coldStart", e.coldStart());
            g.writeNumberField("parseMs", millis(e.parseNanos()));
            g.writeNumberField("inferenceMs", millis(e.inferNanos()));
            g.writeNumberField("writeMs", millis(e.writeNanos()));
            g.writeNumberField("Latency", millis(e.totalNanos()));
            g.writeNumberField("InferenceLatency", millis(e.inferNanos()));
            g.writeNumberField("Errors", e.status() >= 500 ? 1 : 0);
            g.writeNumberField("ClientErrors", e.status() >= 400 && e.status() < 500 ? 1 : 0);
            g.writeNumberField("ColdStart", e.coldStart() ? 1 : 0);
            if (e.error() != null) g.writeStringField("error", e.error());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a ByteArrayOutputStream does not fail
        }
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0; // microsecond precision is plenty
    }
}
