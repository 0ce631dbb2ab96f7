package dev.skiff.gpu.batching;

import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Merges requests into one along their first (batch) dimension, and splits the answer back by rows. */
public final class RowBatch {
    private RowBatch() {}

    /**
     * What a request brings to a batch.
     *
     * @param rows the request's rows (the first dimension of every input)
     * @param key  what batch-mates must share: input names, datatypes and trailing dimensions, and
     *             the outputs asked for
     */
    public record Shape(long rows, String key) {}

    /**
     * The request's shape for batching, or null when it must run alone: an input without a first
     * dimension, inputs that disagree on rows, or no rows (such requests get their own error).
     */
    public static Shape shapeOf(InferRequest request) {
        if (request.inputs().isEmpty()) return null;
        long rows = -1;
        Map<String, Tensor> byName = new TreeMap<>();
        for (Tensor tensor : request.inputs()) {
            long[] shape = tensor.shape();
            if (shape.length == 0) return null;
            if (rows >= 0 && shape[0] != rows) return null;
            rows = shape[0];
            if (byName.put(tensor.name(), tensor) != null) return null;
        }
        if (rows <= 0) return null;
        StringBuilder key = new StringBuilder();
        for (Tensor tensor : byName.values()) {
            long[] shape = tensor.shape();
            key.append(tensor.name())
                    .append(' ')
                    .append(tensor.datatype())
                    .append(Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length)))
                    .append(';');
        }
        key.append("->");
        for (InferRequest.RequestedOutput output : request.outputs())
            key.append(output.name()).append(';');
        return new Shape(rows, key.toString());
    }

    /** One request holding every request's rows, in order; all must share one {@link Shape#key()}. */
    public static InferRequest merge(List<InferRequest> requests) {
        InferRequest first = requests.get(0);
        List<Tensor> merged = new ArrayList<>(first.inputs().size());
        for (Tensor tensor : first.inputs()) {
            List<Tensor> parts = new ArrayList<>(requests.size());
            for (InferRequest request : requests) parts.add(input(request, tensor.name()));
            merged.add(concatenate(parts));
        }
        return new InferRequest(null, Map.of(), merged, first.outputs(), false);
    }

    /**
     * Each request's share of a merged run's outputs.
     *
     * @throws IllegalStateException when an output does not have one row per input row
     */
    public static List<List<Tensor>> split(List<Tensor> outputs, long[] rows) {
        long total = 0;
        for (long r : rows) total += r;
        List<List<Tensor>> shares = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) shares.add(new ArrayList<>(outputs.size()));
        for (Tensor output : outputs) {
            long[] shape = output.shape();
            if (shape.length == 0 || shape[0] != total) {
                throw new IllegalStateException("output '" + output.name() + "' has shape " + Arrays.toString(shape)
                        + ", not one row per input row (" + total + ")");
            }
            int rowElements = total == 0 ? 0 : (int) (output.elementCount() / total);
            long offset = 0;
            for (int i = 0; i < rows.length; i++) {
                shares.get(i).add(rows(output, offset, rows[i], rowElements));
                offset += rows[i];
            }
        }
        return shares;
    }

    private static Tensor input(InferRequest request, String name) {
        for (Tensor tensor : request.inputs()) if (tensor.name().equals(name)) return tensor;
        throw new IllegalArgumentException("a batch-mate has no input '" + name + "'"); // ruled out by the shape key
    }

    private static Tensor concatenate(List<Tensor> parts) {
        Tensor first = parts.get(0);
        long[] shape = first.shape().clone();
        shape[0] = 0;
        for (Tensor part : parts) shape[0] += part.shape()[0];
        if (first.datatype() == DataType.BYTES) {
            List<String> strings = new ArrayList<>();
            for (Tensor part : parts) strings.addAll(Arrays.asList(part.strings()));
            return Tensor.strings(first.name(), shape, strings.toArray(String[]::new));
        }
        int bytes = 0;
        for (Tensor part : parts) bytes += part.data().capacity();
        // direct and in native order, so ONNX Runtime takes it without another copy
        ByteBuffer data = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        int at = 0;
        for (Tensor part : parts) {
            int length = part.data().capacity();
            data.put(at, part.data(), 0, length); // absolute: the part's buffer is shared, its position untouched
            at += length;
        }
        return Tensor.numeric(first.name(), first.datatype(), shape, data);
    }

    private static Tensor rows(Tensor output, long firstRow, long count, int rowElements) {
        long[] shape = output.shape().clone();
        shape[0] = count;
        int from = (int) (firstRow * rowElements);
        int elements = (int) (count * rowElements);
        if (output.datatype() == DataType.BYTES) {
            return Tensor.strings(output.name(), shape, Arrays.copyOfRange(output.strings(), from, from + elements));
        }
        int size = output.datatype().elementSize;
        ByteBuffer slice = output.data().slice(from * size, elements * size).order(ByteOrder.nativeOrder());
        return Tensor.numeric(output.name(), output.datatype(), shape, slice);
    }
}
