package dev.skiff.runtime.protocol;

import java.util.List;

/** An infer response: the model and version that answered, the request's id, and the outputs. */
public record InferResponse(
        String modelName, String modelVersion, String id, List<Tensor> outputs, boolean tfServing) {}
