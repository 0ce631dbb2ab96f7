package dev.skiff.monitoring.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Spreads a tensor's rows over a dataset's features, with the names a person knows them by: an
 * input's columns  by the model's {@code "batch"} config (see {@link ColumnNames}) ({@code features} → {@code amount_usd},
 * ...) and a classifier's probability columns by its labels, a one-column tensor by its own name,
 * other columns as {@code name[i]}. A float tensor wider than {@value #EMBEDDING_MIN_WIDTH}
 * columns is one embedding feature, not hundreds of dimensions drifting one by one.
 */
public final class TensorColumns {
    static final int EMBEDDING_MIN_WIDTH = 33;

    private final ColumnNames names;

    public TensorColumns(ColumnNames names) {
        this.names = names == null ? ColumnNames.NONE : names;
    }

    /** A tensor as it appears in a capture record: name, datatype, shape and flat (or nested) data. */
    public static Values fromJson(JsonNode tensor) {
        String name = tensor.path("name").asText(null);
        if (name == null) throw new IllegalArgumentException("a captured tensor has no \"name\": " + tensor);
        DataType datatype = DataType.fromName(tensor.path("datatype").asText(""));
        if (datatype == null) {
            throw new IllegalArgumentException(
                    "captured tensor '" + name + "' has no known \"datatype\": " + tensor.path("datatype"));
        }
        JsonNode shapeNode = tensor.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = shapeNode.get(i).asLong();
        List<Object> flat = new ArrayList<>();
        flatten(tensor.path("data"), datatype, flat);
        return new Values(name, datatype, shape, flat);
    }

    /** A served tensor (the outputs of scored training rows). */
    public static Values of(Tensor tensor) {
        List<Object> flat = new ArrayList<>(tensor.elementCount());
        for (int i = 0; i < tensor.elementCount(); i++) {
            flat.add(
                    tensor.datatype() == DataType.BYTES
                            ? tensor.strings()[i]
                            : plain(tensor.datatype(), asWritten(tensor, i)));
        }
        return new Values(tensor.name(), tensor.datatype(), tensor.shape(), flat);
    }

    /** A tensor's name, datatype, shape and its elements in row-major order (Double, String). */
    public record Values(String name, DataType datatype, long[] shape, List<Object> flat) {
        public int rows() {
            return shape.length == 0 ? 1 : (int) shape[0];
        }

        public int width() {
            return rows() == 0 ? 0 : flat.size() / rows();
        }
    }

    /** Puts row {@code row} of the tensor into the dataset's current row. */
    public void put(Dataset dataset, Dataset.Role role, Values tensor, int row) {
        int width = tensor.width();
        int start = row * width;
        if (start + width > tensor.flat().size()) {
            throw new IllegalArgumentException(
                    "tensor '" + tensor.name() + "' of shape " + java.util.Arrays.toString(tensor.shape()) + " holds "
                            + tensor.flat().size() + " values, not enough for row " + row);
        }
        if (isEmbedding(tensor)) {
            float[] vector = new float[width];
            for (int i = 0; i < width; i++) vector[i] = ((Double) tensor.flat().get(start + i)).floatValue();
            dataset.putEmbedding(tensor.name(), role, vector);
            return;
        }
        List<String> names = columnNames(role, tensor.name(), width);
        for (int i = 0; i < width; i++)
            dataset.put(names.get(i), role, tensor.flat().get(start + i));
    }

    private static boolean isEmbedding(Values tensor) {
        return tensor.width() >= EMBEDDING_MIN_WIDTH
                && (tensor.datatype() == DataType.FP32
                        || tensor.datatype() == DataType.FP64
                        || tensor.datatype() == DataType.FP16
                        || tensor.datatype() == DataType.BF16);
    }

    List<String> columnNames(Dataset.Role role, String tensor, int width) {
        if (role == Dataset.Role.INPUT) {
            List<String> named = names.inputs().get(tensor);
            if (named != null && named.size() == width) return named;
        }
        if (role == Dataset.Role.OUTPUT && width > 1 && names.labels().size() == width) {
            List<String> labelled = new ArrayList<>(width);
            for (String label : names.labels()) labelled.add(tensor + "[" + label + "]");
            return labelled;
        }
        if (width == 1) return List.of(tensor);
        List<String> names = new ArrayList<>(width);
        for (int i = 0; i < width; i++) names.add(tensor + "[" + i + "]");
        return names;
    }

    private static void flatten(JsonNode data, DataType datatype, List<Object> into) {
        if (data.isArray()) {
            for (JsonNode element : data) flatten(element, datatype, into);
        } else if (data.isNumber()) {
            into.add(plain(datatype, data.asDouble()));
        } else if (data.isBoolean()) {
            into.add(data.asBoolean() ? "true" : "false");
        } else if (data.isNull() || datatype != DataType.BYTES) {
            into.add(null); // null, or "NaN"/"Infinity" in a number tensor: no value to summarize
        } else {
            into.add(data.asText());
        }
    }

    /**
     * A served element as a capture record carries it: a float as the shortest decimal that reads
     * back as that float ("0.2", not 0.20000000298), so baselines and captured windows agree.
     */
    private static double asWritten(Tensor tensor, int i) {
        double value = tensor.getDouble(i);
        return switch (tensor.datatype()) {
            case FP32, FP16, BF16 -> Double.parseDouble(Float.toString((float) value));
            default -> value;
        };
    }

    /** A number as a feature value: BOOL tensors are categories, everything else a Double. */
    private static Object plain(DataType datatype, double value) {
        if (datatype == DataType.BOOL) return value != 0 ? "true" : "false";
        return value;
    }
}
