package dev.skiff.monitoring.baseline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.skiff.monitoring.data.ColumnNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A baseline's statistics.json: what the model was fed (and answered) when it was known to be
 * good, per feature, and the names its tensor columns go by. Written by {@code skiff baseline}, read by {@code skiff drift} and the
 * scheduled drift function.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Statistics(
        int version,
        String model,
        String modelVersion,
        String createdAt,
        long rows,
        ColumnNames columnNames,
        List<FeatureStatistics> features) {
    public static final String FILE = "statistics.json";
    public static final int FORMAT_VERSION = 1;

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The column names to read captures with: the baseline's own ({@link ColumnNames#NONE} if it has none). */
    public ColumnNames names() {
        return columnNames == null ? ColumnNames.NONE : columnNames;
    }

    public FeatureStatistics feature(String name) {
        for (FeatureStatistics feature : features) if (feature.name().equals(name)) return feature;
        return null;
    }

    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        JSON.writeValue(directory.resolve(FILE).toFile(), this);
    }

    public byte[] toJson() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    public static Statistics read(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "no baseline in " + directory + ": " + FILE + " is missing (skiff baseline writes it)");
        }
        return parse(Files.readAllBytes(file), file.toString());
    }

    public static Statistics parse(byte[] json, String source) {
        Statistics statistics;
        try {
            statistics = JSON.readValue(json, Statistics.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not a baseline's statistics: " + e.getMessage(), e);
        }
        if (statistics.version() != FORMAT_VERSION || statistics.features() == null) {
            throw new IllegalArgumentException(source + " is not a Skiff baseline of format " + FORMAT_VERSION);
        }
        return statistics;
    }
}
