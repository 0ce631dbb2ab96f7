package dev.skiff.runtime.batch;

import dev.skiff.runtime.contract.ErrorCode;
import dev.skiff.runtime.model.BatchColumns;
import dev.skiff.runtime.model.InferenceFailure;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.pipeline.ClassifierPipeline;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ProtocolException;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Scores a batch job's items (CSV rows or JSONL objects, by column name) on one model version:
 * maps each item's columns onto the inputs as the model's {@code "batch"} config says, runs the
 * valid items in model runs of up to maxBatchSize rows (one row a run when the model is not
 * batch-invariant), and answers per item, in order. A bad item gets its own error; the others
 * are scored.
 */
public final class BatchScorer {
    /** A column that held an object or array, which no input takes. */
    public static final Object NESTED = new Object() {
        @Override
        public String toString() {
            return "an object or array";
        }
    };

    private final ModelVersion version;
    private final BatchColumns columns;
    private final List<TensorSpec> specs = new ArrayList<>();
    private final List<List<String>> inputColumns = new ArrayList<>();
    private final List<InferRequest.RequestedOutput> outputs;
    private final int rowsPerRun;

    private BatchScorer(ModelVersion version, BatchColumns columns) {
        this.version = version;
        this.columns = columns;
        for (Map.Entry<String, List<String>> input : columns.inputs().entrySet()) {
            TensorSpec spec = spec(version, input.getKey());
            checkWidth(spec, input.getValue());
            specs.add(spec);
            inputColumns.add(input.getValue());
        }
        for (TensorSpec spec : version.inputs()) {
            if (!columns.inputs().containsKey(spec.name())) {
                throw ProtocolException.badRequest("model '" + version.modelName() + "' config \"batch.inputs\" "
                        + "does not say which columns fill input '" + spec.name() + "'");
            }
        }
        ModelConfig config = version.config();
        this.outputs = config.pipeline() == ModelConfig.Pipeline.CLASSIFIER
                ? List.of(
                        new InferRequest.RequestedOutput(ClassifierPipeline.LABEL, Map.of()),
                        new InferRequest.RequestedOutput(ClassifierPipeline.PROBABILITY, Map.of()))
                : List.of();
        this.rowsPerRun = config.batchInvariant() ? config.maxBatchSize() : 1;
    }

    /** The scorer of a version whose config has a {@code "batch"} section; a 400 for one without. */
    public static BatchScorer of(ModelVersion version) {
        BatchColumns columns = version.config().batch();
        if (columns == null) {
            throw ProtocolException.badRequest("model '" + version.modelName() + "' takes no batch jobs: its "
                    + "config.json has no \"batch\" section saying which columns fill its inputs");
        }
        return new BatchScorer(version, columns);
    }

    public ModelVersion version() {
        return version;
    }

    /** How many rows one model run takes. */
    public int rowsPerRun() {
        return rowsPerRun;
    }

    /** One result per item, in the items' order, each model run on the version itself. */
    public List<BatchResult> score(List<Map<String, Object>> items) {
        return score(items, version::infer);
    }

    /**
     * One result per item, in the items' order.
     *
     * @param infer runs one model run: the version itself, or a server's queue for it (the pool's batcher)
     */
    public List<BatchResult> score(List<Map<String, Object>> items, Function<InferRequest, InferResponse> infer) {
        BatchResult[] results = new BatchResult[items.size()];
        List<Integer> pending = new ArrayList<>(Math.min(items.size(), rowsPerRun));
        List<Object[]> pendingRows = new ArrayList<>(Math.min(items.size(), rowsPerRun));
        for (int i = 0; i < items.size(); i++) {
            Map<String, Object> item = items.get(i);
            Object[] row;
            try {
                row = row(item);
            } catch (ProtocolException e) {
                results[i] = BatchResult.failed(keys(item), e.getMessage());
                continue;
            }
            pending.add(i);
            pendingRows.add(row);
            if (pending.size() == rowsPerRun) runChunk(items, pending, pendingRows, results, infer);
        }
        if (!pending.isEmpty()) runChunk(items, pending, pendingRows, results, infer);
        return List.of(results);
    }

    private void runChunk(
            List<Map<String, Object>> items,
            List<Integer> indexes,
            List<Object[]> rows,
            BatchResult[] results,
            Function<InferRequest, InferResponse> infer) {
        try {
            List<Tensor> out = run(rows, infer);
            for (int r = 0; r < indexes.size(); r++) {
                int i = indexes.get(r);
                results[i] = BatchResult.scored(keys(items.get(i)), out, r);
            }
        } catch (ProtocolException | InferenceFailure e) {
            // a full queue or a reload is the server's state, not a row's fault: the whole batch is retried
            if (e instanceof ProtocolException p && p.code() == ErrorCode.UNAVAILABLE) throw p;
            if (rows.size() == 1) {
                int i = indexes.get(0);
                results[i] = BatchResult.failed(keys(items.get(i)), e.getMessage());
            } else { // find the row at fault: the others still get scored
                for (int r = 0; r < indexes.size(); r++) {
                    runChunk(items, List.of(indexes.get(r)), List.<Object[]>of(rows.get(r)), results, infer);
                }
            }
        }
        indexes.clear();
        rows.clear();
    }

    private List<Tensor> run(List<Object[]> rows, Function<InferRequest, InferResponse> infer) {
        List<Tensor> inputs = new ArrayList<>(specs.size());
        for (int s = 0; s < specs.size(); s++) inputs.add(tensor(s, rows));
        InferRequest request = new InferRequest(null, Map.of(), inputs, outputs, false);
        InferResponse response = infer.apply(request);
        return response.outputs();
    }

    /** Input {@code s} of the given rows as one tensor. */
    private Tensor tensor(int s, List<Object[]> rows) {
        TensorSpec spec = specs.get(s);
        int width = inputColumns.get(s).size();
        long[] shape = spec.shape().length == 1 ? new long[] {rows.size()} : new long[] {rows.size(), width};
        if (spec.datatype() == DataType.BYTES) {
            String[] values = new String[rows.size() * width];
            for (int r = 0; r < rows.size(); r++) System.arraycopy(rows.get(r)[s], 0, values, r * width, width);
            return Tensor.strings(spec.name(), shape, values);
        }
        ByteBuffer data = ByteBuffer.allocateDirect(rows.size() * width * spec.datatype().elementSize)
                .order(ByteOrder.nativeOrder());
        for (Object[] row : rows) {
            switch (spec.datatype()) {
                case FP32 -> {
                    for (double v : (double[]) row[s]) data.putFloat((float) v);
                }
                case FP64 -> {
                    for (double v : (double[]) row[s]) data.putDouble(v);
                }
                case INT32 -> {
                    for (long v : (long[]) row[s]) data.putInt((int) v);
                }
                case INT64 -> {
                    for (long v : (long[]) row[s]) data.putLong(v);
                }
                case BOOL -> {
                    for (long v : (long[]) row[s]) data.put((byte) v);
                }
                default -> throw new AssertionError(spec.datatype());
            }
        }
        return Tensor.numeric(spec.name(), spec.datatype(), shape, data.flip());
    }

    /** An item's values per input: double[] (FP32, FP64), long[] (INT32, INT64, BOOL) or String[] (BYTES). */
    private Object[] row(Map<String, Object> item) {
        Object[] row = new Object[specs.size()];
        for (int s = 0; s < specs.size(); s++) {
            DataType type = specs.get(s).datatype();
            List<String> names = inputColumns.get(s);
            switch (type) {
                case FP32, FP64 -> {
                    double[] values = new double[names.size()];
                    for (int c = 0; c < values.length; c++) values[c] = ColumnValues.real(item, names.get(c), type);
                    row[s] = values;
                }
                case INT32, INT64, BOOL -> {
                    long[] values = new long[names.size()];
                    for (int c = 0; c < values.length; c++) values[c] = ColumnValues.integer(item, names.get(c), type);
                    row[s] = values;
                }
                case BYTES -> {
                    String[] values = new String[names.size()];
                    for (int c = 0; c < values.length; c++) values[c] = ColumnValues.text(item, names.get(c));
                    row[s] = values;
                }
                default -> throw new AssertionError(type);
            }
        }
        return row;
    }

    private Map<String, Object> keys(Map<String, Object> item) {
        if (columns.passThrough().isEmpty()) return Map.of();
        Map<String, Object> keys = new LinkedHashMap<>();
        for (String key : columns.passThrough()) keys.put(key, item.get(key));
        return keys;
    }

    private static TensorSpec spec(ModelVersion version, String input) {
        for (TensorSpec spec : version.inputs()) if (spec.name().equals(input)) return spec;
        throw ProtocolException.badRequest("model '" + version.modelName() + "' config \"batch.inputs\" names input '"
                + input + "', which the model does not take; it takes " + version.inputs());
    }

    private void checkWidth(TensorSpec spec, List<String> names) {
        String where = "model '" + version.modelName() + "' input '" + spec.name() + "' " + spec;
        if (!spec.hasBatchDimension() || spec.shape().length > 2) {
            throw ProtocolException.badRequest(where + ": batch jobs fill inputs of shape [N] or [N, k] only");
        }
        switch (spec.datatype()) {
            case FP32, FP64, INT32, INT64, BOOL, BYTES -> {}
            default ->
                throw ProtocolException.badRequest(
                        where + ": batch jobs fill FP32, FP64, INT32, INT64, BOOL and BYTES inputs only");
        }
        long wanted = spec.shape().length == 1 ? 1 : spec.shape()[1];
        if (wanted >= 0 && wanted != names.size()) {
            throw ProtocolException.badRequest(where + " takes " + wanted + " values a row, but \"batch.inputs."
                    + spec.name() + "\" lists " + names.size() + " columns");
        }
    }
}
