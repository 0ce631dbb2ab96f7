package dev.skiff.runtime.pipeline;

import ai.onnxruntime.OrtException;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;

import java.util.List;
import java.util.Set;

/** What a model version does with a request: pre-processing, the ONNX session, post-processing. */
public interface Pipeline {
    /** The inputs clients send, as model metadata shows them. */
    List<TensorSpec> inputs();

    /** The outputs clients get. */
    List<TensorSpec> outputs();

    /**
     * Runs one request's validated inputs.
     *
     * @param wanted the outputs asked for, by name; empty for all. Others may be returned too.
     */
    List<Tensor> run(List<Tensor> inputs, Set<String> wanted) throws OrtException;
}
