package dev.skiff.monitoring.baseline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A baseline's constraints.json, in the shape of SageMaker Model Monitor's (per feature its
 * inferred type and completeness; a monitoring config), with the drift rule's thresholds in it:
 * edit them there and every later {@code skiff drift} and scheduled check uses them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Constraints(
        double version,
        List<Feature> features,
        @JsonProperty("monitoring_config") MonitoringConfig monitoringConfig) {
    public static final String FILE = "constraints.json";

    public record Feature(
            String name,
            @JsonProperty("inferred_type") String inferredType,
            double completeness,
            @JsonProperty("num_constraints") NumConstraints numConstraints) {}

    public record NumConstraints(
            @JsonProperty("is_non_negative") boolean isNonNegative) {}

    public record MonitoringConfig(
            @JsonProperty("evaluate_constraints") String evaluateConstraints, Drift drift) {}

    /**
     * The drift rule: a feature drifts when its test's p-value is below {@code pValue} and its PSI
     * is at least {@code psiModerate}; the dataset drifts when more than {@code datasetShare} of
     * its input features do (Evidently's rule).
     */
    public record Drift(double pValue, double psiModerate, double psiMajor, double datasetShare) {
        public static final Drift DEFAULT = new Drift(0.01, 0.1, 0.25, 0.5);
    }

    public static Constraints of(Statistics statistics) {
        List<Feature> features = new ArrayList<>();
        for (FeatureStatistics f : statistics.features()) {
            String type = switch (f.type()) {
                case NUMERICAL -> isWhole(f) ? "Integral" : "Fractional";
                case CATEGORICAL, TEXT -> "String";
                case EMBEDDING -> "Vector";
            };
            NumConstraints num =
                    f.type() == FeatureType.NUMERICAL && f.min() != null ? new NumConstraints(f.min() >= 0) : null;
            features.add(new Feature(f.name(), type, 1 - f.missingShare(), num));
        }
        return new Constraints(0.0, features, new MonitoringConfig("Enabled", Drift.DEFAULT));
    }

    private static boolean isWhole(FeatureStatistics f) {
        return f.quantiles() != null
                && f.quantiles().values().stream().allMatch(q -> q == Math.rint(q))
                && f.min() == Math.rint(f.min())
                && f.max() == Math.rint(f.max());
    }

    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Statistics.JSON.writeValue(directory.resolve(FILE).toFile(), this);
    }

    /** The drift rule of a baseline directory; the defaults when it has no constraints.json. */
    public static Drift driftRule(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) return Drift.DEFAULT;
        return driftRule(Files.readAllBytes(file), file.toString());
    }

    public static Drift driftRule(byte[] json, String source) {
        try {
            Constraints constraints = Statistics.JSON.readValue(json, Constraints.class);
            Drift drift = constraints.monitoringConfig() == null
                    ? null
                    : constraints.monitoringConfig().drift();
            return drift == null ? Drift.DEFAULT : drift;
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not a baseline's constraints: " + e.getMessage(), e);
        }
    }
}
