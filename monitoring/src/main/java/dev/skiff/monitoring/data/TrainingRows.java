package dev.skiff.monitoring.data;

import dev.skiff.runtime.batch.BatchResult;
import dev.skiff.runtime.batch.BatchScorer;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Training rows as a dataset: their columns as input features and, when a model version is
 * given, that model's answers to them as output features, so the baseline has the prediction
 * distribution that prediction drift is measured against. Rows are scored as a batch job
 * scores them (the model's {@code "batch"} columns); a row the model refuses keeps its inputs
 * and has no outputs. With a model, only the columns it reads become features (not ids or truth).
 */
public final class TrainingRows {
    private static final int ROWS_PER_CALL = 4096;

    private TrainingRows() {}

    public static Dataset dataset(List<Map<String, Object>> rows, ModelVersion model) {
        Dataset dataset = new Dataset();
        BatchScorer scorer = model == null ? null : BatchScorer.of(model);
        TensorColumns columns = model == null ? null : new TensorColumns(ColumnNames.of(model.config()));
        // with a model, its input columns only: ids and truth columns are not what it is fed
        Set<String> modelColumns =
                model == null ? null : Set.copyOf(model.config().batch().requiredColumns());
        for (int start = 0; start < rows.size(); start += ROWS_PER_CALL) {
            List<Map<String, Object>> chunk = rows.subList(start, Math.min(rows.size(), start + ROWS_PER_CALL));
            List<BatchResult> results = scorer == null ? null : scorer.score(chunk);
            for (int i = 0; i < chunk.size(); i++) {
                RowFiles.putInputs(dataset, chunk.get(i), modelColumns);
                BatchResult result = results == null ? null : results.get(i);
                if (result != null && !result.failed()) {
                    for (Tensor output : result.outputs()) {
                        columns.put(dataset, Dataset.Role.OUTPUT, TensorColumns.of(output), result.row());
                    }
                }
                dataset.endRow();
            }
        }
        return dataset;
    }
}
