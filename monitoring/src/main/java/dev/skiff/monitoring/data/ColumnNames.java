package dev.skiff.monitoring.data;

import dev.skiff.runtime.model.ModelConfig;

import java.util.List;
import java.util.Map;

/**
 * The names a model's tensor columns go by, from its config: each input's batch columns and a
 * classifier's labels. A baseline keeps them (statistics.json), so the drift function, which has
 * no model repository, names captured columns as the baseline did.
 *
 * @param inputs input tensor name to its column names
 * @param labels a classifier's labels, one per probability column; empty for other models
 */
public record ColumnNames(Map<String, List<String>> inputs, List<String> labels) {
    public static final ColumnNames NONE = new ColumnNames(Map.of(), List.of());

    public ColumnNames {
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** The names a config gives; {@link #NONE} for no config. */
    public static ColumnNames of(ModelConfig config) {
        if (config == null) return NONE;
        Map<String, List<String>> inputs =
                config.batch() == null ? Map.of() : config.batch().inputs();
        List<String> labels = config.pipeline() == ModelConfig.Pipeline.CLASSIFIER ? config.labels() : List.of();
        return new ColumnNames(inputs, labels);
    }
}
