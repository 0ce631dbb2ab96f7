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
import java.util.Arrays;
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
        Chunk chunk = new Chunk(Math.min(items.size(), rowsPerRun));
        for (int i = 0; i < items.size(); i++) {
            try {
                chunk.add(batch, i);
            } catch (ProtocolException e) {
                batch.results[i] = BatchResult.failed(batch.keys(i), e.getMessage());
                continue;
            }
            if (chunk.rows == rowsPerRun) runChunk(batch, chunk);
        }
        if (chunk.rows > 0) runChunk(batch, chunk);
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

    /**
     * The rows of the next model run, each input's values already in its tensor's order (row after row),
     * in arrays a batch reuses from run to run.
     */
    private final class Chunk {
        final int[] items; // the item of each row
        // per input: float[] (FP32), double[] (FP64), long[] (INT32, INT64, BOOL), String[] (BYTES)
        final Object[] values;
        int rows;

        Chunk(int capacity) {
            this.items = new int[capacity];
            this.values = new Object[specs.size()];
            for (int s = 0; s < specs.size(); s++) {
                int size = capacity * inputColumns.get(s).size();
                values[s] = switch (specs.get(s).datatype()) {
                    case FP32 -> new float[size];
                    case FP64 -> new double[size];
                    case BYTES -> new String[size];
                    default -> new long[size];
                };
            }
        }

        /** Item i as the next row; a bad value throws before the row counts, naming the first bad column. */
        void add(Batch batch, int i) {
            for (int s = 0; s < specs.size(); s++) {
                DataType type = specs.get(s).datatype();
                List<String> names = inputColumns.get(s);
                BatchItems.Column[] columns = batch.inputs[s];
                int at = rows * names.size();
                switch (type) {
                    case FP32 -> {
                        float[] row = (float[]) values[s];
                        for (int c = 0; c < columns.length; c++)
                            row[at + c] = (float) columns[c].real(i, names.get(c), type);
                    }
                    case FP64 -> {
                        double[] row = (double[]) values[s];
                        for (int c = 0; c < columns.length; c++) row[at + c] = columns[c].real(i, names.get(c), type);
                    }
                    case INT32, INT64, BOOL -> {
                        long[] row = (long[]) values[s];
                        for (int c = 0; c < columns.length; c++)
                            row[at + c] = ColumnValues.integer(columns[c].value(i), names.get(c), type);
                    }
                    case BYTES -> {
                        String[] row = (String[]) values[s];
                        for (int c = 0; c < columns.length; c++)
                            row[at + c] = ColumnValues.text(columns[c].value(i), names.get(c));
                    }
                    default -> throw new AssertionError(type);
                }
            }
            items[rows++] = i;
        }
    }

    private void runChunk(Batch batch, Chunk chunk) {
        run(batch, chunk, 0, chunk.rows);
        chunk.rows = 0;
    }

    /** Rows from..from+count of the chunk in one model run; if it fails, each row alone, so only a row at fault fails. */
    private void run(Batch batch, Chunk chunk, int from, int count) {
        try {
            List<Tensor> inputs = new ArrayList<>(specs.size());
            for (int s = 0; s < specs.size(); s++) inputs.add(tensor(s, chunk, from, count));
            List<Tensor> out = batch.infer
                    .apply(new InferRequest(null, Map.of(), inputs, outputs, false))
                    .outputs();
            for (int r = 0; r < count; r++) {
                int i = chunk.items[from + r];
                batch.results[i] = BatchResult.scored(batch.keys(i), out, r);
            }
        } catch (ProtocolException | InferenceFailure e) {
            // a full queue or a reload is the server's state, not a row's fault: the whole batch is retried
            if (e instanceof ProtocolException p && p.code() == ErrorCode.UNAVAILABLE) throw p;
            if (count == 1) {
                int i = chunk.items[from];
                batch.results[i] = BatchResult.failed(batch.keys(i), e.getMessage());
            } else {
                for (int r = 0; r < count; r++) run(batch, chunk, from + r, 1);
            }
        }
    }

    /** Input {@code s} of rows from..from+count of the chunk as one tensor. */
    private Tensor tensor(int s, Chunk chunk, int from, int count) {
        TensorSpec spec = specs.get(s);
        int width = inputColumns.get(s).size();
        long[] shape = spec.shape().length == 1 ? new long[] {count} : new long[] {count, width};
        int start = from * width, end = start + count * width;
        Object values = chunk.values[s];
        if (spec.datatype() == DataType.BYTES) {
            return Tensor.strings(spec.name(), shape, Arrays.copyOfRange((String[]) values, start, end));
        }
        ByteBuffer data = ByteBuffer.allocateDirect((end - start) * spec.datatype().elementSize)
                .order(ByteOrder.nativeOrder());
        switch (spec.datatype()) {
            case FP32 -> data.asFloatBuffer().put((float[]) values, start, end - start);
            case FP64 -> data.asDoubleBuffer().put((double[]) values, start, end - start);
            case INT32 -> {
                for (int k = start; k < end; k++) data.putInt((int) ((long[]) values)[k]);
            }
            case INT64 -> data.asLongBuffer().put((long[]) values, start, end - start);
            case BOOL -> {
                for (int k = start; k < end; k++) data.put((byte) ((long[]) values)[k]);
            }
            default -> throw new AssertionError(spec.datatype());
        }
        return Tensor.numeric(spec.name(), spec.datatype(), shape, data.clear());
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
