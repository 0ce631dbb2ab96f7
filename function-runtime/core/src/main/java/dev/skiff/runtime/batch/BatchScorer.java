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
import java.util.Collections;
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
        return score(BatchItems.of(items), version::infer);
    }

    /** One result per item, in the items' order. */
    public List<BatchResult> score(List<Map<String, Object>> items, Function<InferRequest, InferResponse> infer) {
        return score(BatchItems.of(items), infer);
    }

    /**
     * One result per item, in the items' order.
     *
     * @param infer runs one model run: the version itself, or a server's queue for it (the pool's batcher)
     */
    public List<BatchResult> score(BatchItems items, Function<InferRequest, InferResponse> infer) {
        Batch batch = new Batch(items, infer);
        List<Integer> pending = new ArrayList<>(Math.min(items.size(), rowsPerRun));
        List<Object[]> pendingRows = new ArrayList<>(Math.min(items.size(), rowsPerRun));
        for (int i = 0; i < items.size(); i++) {
            Object[] row;
            try {
                row = batch.row(i);
            } catch (ProtocolException e) {
                batch.results[i] = BatchResult.failed(batch.keys(i), e.getMessage());
                continue;
            }
            pending.add(i);
            pendingRows.add(row);
            if (pending.size() == rowsPerRun) runChunk(batch, pending, pendingRows);
        }
        if (!pending.isEmpty()) runChunk(batch, pending, pendingRows);
        return List.of(batch.results);
    }

    /** One call's items with the columns it reads resolved once, and their results so far. */
    private final class Batch {
        final Function<InferRequest, InferResponse> infer;
        final BatchResult[] results;
        final BatchItems.Column[][] inputs; // per input, its columns in order
        final BatchItems.Column[] keys; // the pass-through columns

        Batch(BatchItems items, Function<InferRequest, InferResponse> infer) {
            this.infer = infer;
            this.results = new BatchResult[items.size()];
            this.inputs = new BatchItems.Column[specs.size()][];
            for (int s = 0; s < specs.size(); s++) {
                List<String> names = inputColumns.get(s);
                inputs[s] = new BatchItems.Column[names.size()];
                for (int c = 0; c < names.size(); c++) inputs[s][c] = items.column(names.get(c));
            }
            this.keys = new BatchItems.Column[columns.passThrough().size()];
            for (int k = 0; k < keys.length; k++)
                keys[k] = items.column(columns.passThrough().get(k));
        }

        /** Item i's values per input: double[] (FP32, FP64), long[] (INT32, INT64, BOOL) or String[] (BYTES). */
        Object[] row(int i) {
            Object[] row = new Object[specs.size()];
            for (int s = 0; s < specs.size(); s++) {
                DataType type = specs.get(s).datatype();
                List<String> names = inputColumns.get(s);
                BatchItems.Column[] columns = inputs[s];
                switch (type) {
                    case FP32, FP64 -> {
                        double[] values = new double[names.size()];
                        for (int c = 0; c < values.length; c++) values[c] = columns[c].real(i, names.get(c), type);
                        row[s] = values;
                    }
                    case INT32, INT64, BOOL -> {
                        long[] values = new long[names.size()];
                        for (int c = 0; c < values.length; c++)
                            values[c] = ColumnValues.integer(columns[c].value(i), names.get(c), type);
                        row[s] = values;
                    }
                    case BYTES -> {
                        String[] values = new String[names.size()];
                        for (int c = 0; c < values.length; c++)
                            values[c] = ColumnValues.text(columns[c].value(i), names.get(c));
                        row[s] = values;
                    }
                    default -> throw new AssertionError(type);
                }
            }
            return row;
        }

        /** Item i's pass-through keys by name; a key the item lacks is null. */
        Map<String, Object> keys(int i) {
            if (keys.length == 0) return Map.of();
            List<String> names = columns.passThrough();
            if (keys.length == 1) return Collections.singletonMap(names.get(0), present(keys[0].value(i)));
            Map<String, Object> values = new LinkedHashMap<>();
            for (int k = 0; k < keys.length; k++) values.put(names.get(k), present(keys[k].value(i)));
            return values;
        }

        private static Object present(Object value) {
            return value == BatchItems.MISSING ? null : value;
        }
    }

    private void runChunk(Batch batch, List<Integer> indexes, List<Object[]> rows) {
        try {
            List<Tensor> out = run(rows, batch.infer);
            for (int r = 0; r < indexes.size(); r++) {
                int i = indexes.get(r);
                batch.results[i] = BatchResult.scored(batch.keys(i), out, r);
            }
        } catch (ProtocolException | InferenceFailure e) {
            // a full queue or a reload is the server's state, not a row's fault: the whole batch is retried
            if (e instanceof ProtocolException p && p.code() == ErrorCode.UNAVAILABLE) throw p;
            if (rows.size() == 1) {
                int i = indexes.get(0);
                batch.results[i] = BatchResult.failed(batch.keys(i), e.getMessage());
            } else { // find the row at fault: the others still get scored
                for (int r = 0; r < indexes.size(); r++) {
                    runChunk(
                            batch,
                            new ArrayList<>(List.of(indexes.get(r))),
                            new ArrayList<>(List.<Object[]>of(rows.get(r))));
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
