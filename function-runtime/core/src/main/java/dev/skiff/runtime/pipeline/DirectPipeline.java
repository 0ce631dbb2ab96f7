package dev.skiff.runtime.pipeline;

import ai.onnxruntime.OrtException;
import dev.skiff.runtime.model.OnnxModel;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;

import java.util.List;
import java.util.Set;

/** No pre- or post-processing: the model's own tensors in and out. */
public final class DirectPipeline implements Pipeline {
    private final OnnxModel model;

    public DirectPipeline(OnnxModel model) {
        this.model = model;
    }

    @Override
    public List<TensorSpec> inputs() {
        return model.inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
        return model.outputs();
    }

    @Override
    public List<Tensor> run(List<Tensor> inputs, Set<String> wanted) throws OrtException {
        return model.run(inputs, wanted); // computes only what was asked for
    }
}
