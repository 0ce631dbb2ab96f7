package dev.skiff.monitoring.scheduled;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.skiff.monitoring.drift.DriftReport;
import dev.skiff.monitoring.drift.FeatureDrift;
import dev.skiff.runtime.observability.EmbeddedMetrics;
import dev.skiff.runtime.protocol.Json;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A drift check's CloudWatch Embedded Metric Format lines: {@code DriftedShare} (the share of
 * input features that drifted) and {@code DriftedFeatures} per model (what the template's alarm
 * watches) and per model and version, and {@code DriftScore} (PSI) per feature.
 */
public final class DriftMetrics {
    public static final String NAMESPACE = "Skiff/Drift";

    private DriftMetrics() {}

    public static List<String> lines(String model, String version, DriftReport report, Instant time) {
        List<String> lines = new ArrayList<>();
        lines.add(line(
                time,
                List.of(List.of("Model"), List.of("Model", "Version")),
                model,
                version,
                null,
                g -> {
                    g.writeNumberField("DriftedShare", report.verdict().driftedShare());
                    g.writeNumberField(
                            "DriftedFeatures",
                            report.verdict().driftedFeatures().size());
                },
                "DriftedShare",
                "DriftedFeatures"));
        for (FeatureDrift feature : report.features()) {
            if (!feature.tested()) continue;
            lines.add(line(
                    time,
                    List.of(List.of("Model", "Version", "Feature")),
                    model,
                    version,
                    feature.name(),
                    g -> g.writeNumberField("DriftScore", feature.psi()),
                    "DriftScore"));
        }
        return lines;
    }

    private interface Values {
        void write(JsonGenerator g) throws IOException;
    }

    private static String line(
            Instant time,
            List<List<String>> dimensions,
            String model,
            String version,
            String feature,
            Values values,
            String... metrics) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            EmbeddedMetrics.writeMetadata(
                    g,
                    time.toEpochMilli(),
                    NAMESPACE,
                    dimensions,
                    Stream.of(metrics)
                            .map(m -> new EmbeddedMetrics.Metric(m, m.equals("DriftedFeatures") ? "Count" : "None"))
                            .toList());
            g.writeStringField("Model", model);
            g.writeStringField("Version", version);
            if (feature != null) g.writeStringField("Feature", feature);
            values.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
