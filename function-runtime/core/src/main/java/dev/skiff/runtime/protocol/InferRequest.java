package dev.skiff.runtime.protocol;

import java.util.List;
import java.util.Map;

/**
 * An infer request, from the Open Inference Protocol form or the TF-Serving {"instances": ...} form.
 *
 * @param outputs   the outputs asked for; empty means all
 * @param tfServing whether it came in TF-Serving form, so the answer goes back as {"predictions": ...}
 */
public record InferRequest(
        String id,
        Map<String, Object> parameters,
        List<Tensor> inputs,
        List<RequestedOutput> outputs,
        boolean tfServing) {

    public record RequestedOutput(String name, Map<String, Object> parameters) {}
}
