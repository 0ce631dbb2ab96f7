package dev.skiff.runtime.observability;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.List;

/**
 * CloudWatch's Embedded Metric Format: the {@code _aws} member that makes a JSON log line's named
 * top-level fields metrics, under the given dimension sets. The caller writes those fields after it.
 */
public final class EmbeddedMetrics {
    /** A metric the line carries as a top-level field of the same name. */
    public record Metric(String name, String unit) {}

    private EmbeddedMetrics() {}

    /** Writes {@code "_aws": {...}} into the line's open object. */
    public static void writeMetadata(
            JsonGenerator g, long epochMillis, String namespace, List<List<String>> dimensions, List<Metric> metrics)
            throws IOException {
        g.writeObjectFieldStart("_aws");
        g.writeNumberField("Timestamp", epochMillis);
        g.writeArrayFieldStart("CloudWatchMetrics");
        g.writeStartObject();
        g.writeStringField("Namespace", namespace);
        g.writeArrayFieldStart("Dimensions");
        for (int i = 0; i < dimensions.size(); i++) { // indexed: no iterator per request line under C1
            List<String> set = dimensions.get(i);
            g.writeStartArray();
            for (int j = 0; j < set.size(); j++) g.writeString(set.get(j));
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("Metrics");
        for (int i = 0; i < metrics.size(); i++) {
            Metric metric = metrics.get(i);
            g.writeStartObject();
            g.writeStringField("Name", metric.name());
            g.writeStringField("Unit", metric.unit());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }
}
