package dev.skiff.monitoring.drift;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.skiff.monitoring.baseline.Constraints;
import dev.skiff.monitoring.baseline.Numbers;
import dev.skiff.monitoring.data.Dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A drift check's result (report.json): the rule it applied, the verdict, and per feature its
 * PSI, test and p-value, drifted features first.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DriftReport(
        String model,
        String modelVersion,
        String createdAt,
        long baselineRows,
        long windowRows,
        Constraints.Drift rule,
        Verdict verdict,
        List<FeatureDrift> features,
        List<String> featuresNotInBaseline) {
    public static final String FILE = "report.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The dataset verdict. {@code status}: NO_DRIFT (no feature drifted), FEATURE_DRIFT (some
     * input features drifted, at most the rule's share of them), DATASET_DRIFT (more than that
     * share: Evidently's rule). Prediction drift (an output feature drifted) is said beside it.
     */
    public record Verdict(
            String status,
            int inputsTested,
            int inputsDrifted,
            double driftedShare,
            boolean datasetDrift,
            boolean predictionDrift,
            List<String> driftedFeatures,
            String summary) {
        public boolean anyDrift() {
            return !driftedFeatures.isEmpty();
        }
    }

    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        JSON.writeValue(directory.resolve(FILE).toFile(), this);
    }

    public byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    public static DriftReport parse(byte[] json) throws IOException {
        return JSON.readValue(json, DriftReport.class);
    }

    /** The report as a terminal table: one line a feature, drifted first, then the verdict. */
    public String table() {
        StringBuilder out = new StringBuilder();
        int width = "feature".length();
        for (FeatureDrift f : features) width = Math.max(width, f.name().length());
        String format = "%-" + width + "s  %-6s  %-11s  %8s  %-8s  %-10s  %9s  %10s  %s%n";
        out.append(String.format(
                Locale.ROOT,
                format,
                "feature",
                "role",
                "type",
                "PSI",
                "band",
                "test",
                "statistic",
                "p-value",
                "drift"));
        for (FeatureDrift f : features) {
            out.append(String.format(
                    Locale.ROOT,
                    format,
                    f.name(),
                    f.role() == Dataset.Role.INPUT ? "input" : "output",
                    f.type().json(),
                    f.psi() == null ? "–" : String.format(Locale.ROOT, "%.4f", f.psi()),
                    f.psiBand() == null ? "–" : f.psiBand(),
                    f.test() == null ? "–" : f.test(),
                    f.statistic() == null ? "–" : Numbers.format(f.statistic()),
                    f.pValue() == null ? "–" : Numbers.pValue(f.pValue()),
                    f.tested() ? (f.drifted() ? "DRIFT" : "ok") : "not tested: " + f.note()));
        }
        out.append(verdict.status()).append(": ").append(verdict.summary()).append('\n');
        return out.toString();
    }
}
