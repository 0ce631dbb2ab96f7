package dev.skiff.runtime.batch;

import dev.skiff.runtime.protocol.Tensor;

import java.util.List;
import java.util.Map;

/**
 * One item's answer: its pass-through keys and either row {@code row} of its model run's outputs,
 * or the error that kept it from being scored.
 */
public record BatchResult(Map<String, Object> keys, List<Tensor> outputs, int row, String error) {

    static BatchResult scored(Map<String, Object> keys, List<Tensor> outputs, int row) {
        return new BatchResult(keys, outputs, row, null);
    }

    static BatchResult failed(Map<String, Object> keys, String error) {
        return new BatchResult(keys, List.of(), -1, error);
    }

    public boolean failed() {
        return error != null;
    }
}
