package dev.skiff.gpu.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class RowBatchTest {

    @Test
    void mergesAlongTheFirstDimensionAndSplitsBackByRows() {
        InferRequest a = request("a", floats("x", 1, 2, 1, 2), strings("t", "p"));
        InferRequest b = request("b", floats("x", 2, 2, 3, 4, 5, 6), strings("t", "q", "r"));
        assertEquals(RowBatch.shapeOf(a).key(), RowBatch.shapeOf(b).key());
        InferRequest merged = RowBatch.merge(List.of(a, b));
        Tensor x = merged.inputs().get(0);
        assertArrayEquals(new long[] {3, 2}, x.shape());
        for (int i = 0; i < 6; i++) assertEquals(i + 1, x.getDouble(i));
        assertArrayEquals(new String[] {"p", "q", "r"}, merged.inputs().get(1).strings());

        List<List<Tensor>> shares = RowBatch.split(merged.inputs(), new long[] {1, 2});
        assertArrayEquals(new long[] {1, 2}, shares.get(0).get(0).shape());
        assertEquals(2.0, shares.get(0).get(0).getDouble(1));
        assertEquals(2, shares.get(0).get(0).elementCount());
        assertArrayEquals(new long[] {2, 2}, shares.get(1).get(0).shape());
        assertEquals(3.0, shares.get(1).get(0).getDouble(0));
        assertArrayEquals(new String[] {"q", "r"}, shares.get(1).get(1).strings());
    }

    @Test
    void requestsOfOtherTrailingDimensionsOrOutputsDoNotShareABatch() {
        InferRequest narrow = request("n", floats("x", 1, 2, 1, 2));
        InferRequest wide = request("w", floats("x", 1, 3, 1, 2, 3));
        assertNotEquals(RowBatch.shapeOf(narrow).key(), RowBatch.shapeOf(wide).key());
        InferRequest someOutputs = new InferRequest(
                "o", Map.of(), narrow.inputs(), List.of(new InferRequest.RequestedOutput("y", Map.of())), false);
        assertNotEquals(
                RowBatch.shapeOf(narrow).key(), RowBatch.shapeOf(someOutputs).key());
    }

    @Test
    void requestsWhoseInputsDisagreeOnRowsRunAlone() {
        assertNull(RowBatch.shapeOf(request("r", floats("x", 2, 1, 1, 2), floats("z", 3, 1, 1, 2, 3))));
        assertNull(RowBatch.shapeOf(request("e", floats("x", 0, 2))));
    }

    @Test
    void anOutputWithoutARowPerInputRowCannotBeSplit() {
        assertThrows(
                IllegalStateException.class, () -> RowBatch.split(List.of(floats("y", 1, 2, 7, 8)), new long[] {1, 1}));
    }

    private static InferRequest request(String id, Tensor... inputs) {
        return new InferRequest(id, Map.of(), List.of(inputs), List.of(), false);
    }

    private static Tensor floats(String name, long rows, long columns, float... values) {
        return Tensor.ofFloats(name, new long[] {rows, columns}, values);
    }

    private static Tensor strings(String name, String... values) {
        return Tensor.strings(name, new long[] {values.length}, values);
    }
}
