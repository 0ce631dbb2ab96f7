package dev.skiff.runtime.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.skiff.runtime.pipeline.ClassifierPipeline;
import dev.skiff.runtime.pipeline.DirectPipeline;
import dev.skiff.runtime.pipeline.Pipeline;
import dev.skiff.runtime.pipeline.TextEmbeddingPipeline;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ProtocolException;
import dev.skiff.runtime.protocol.RequestParser;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One loaded version of a model: its session, its pipeline, and the checks every request passes. */
public final class ModelVersion implements AutoCloseable {
    private final String modelName;
    private final String version;
    private final ModelConfig config;
    private final OnnxModel onnx;
    private final Pipeline pipeline;
    private final RequestParser parser;

    private ModelVersion(String modelName, String version, ModelConfig config, OnnxModel onnx, Pipeline pipeline) {
        this.modelName = modelName;
        this.version = version;
        this.config = config;
        this.onnx = onnx;
        this.pipeline = pipeline;
        this.parser = new RequestParser(pipeline.inputs());
    }

    /** Loads {@code <model>/<version>/} with session options for this process's CPU. */
    public static ModelVersion load(String modelName, String version, Path versionDir, ModelConfig config) {
        try (OrtSession.SessionOptions options = OrtRuntime.cpuOptions(OrtRuntime.intraOpThreads(config))) {
            return load(modelName, version, versionDir, config, options);
        } catch (OrtException e) {
            throw new ModelLoadException("session options for " + versionDir + ": " + e.getMessage(), e);
        }
    }

    public static ModelVersion load(
            String modelName, String version, Path versionDir, ModelConfig config, OrtSession.SessionOptions options) {
        OnnxModel onnx = OnnxModel.load(versionDir, options);
        try {
            Pipeline pipeline = switch (config.pipeline()) {
                case NONE -> new DirectPipeline(onnx);
                case CLASSIFIER -> new ClassifierPipeline(onnx, config.labels(), config.topK());
                case TEXT_EMBEDDING ->
                    TextEmbeddingPipeline.load(onnx, versionDir, config.maxSequenceLength(), config.batchInvariant());
            };
            return new ModelVersion(modelName, version, config, onnx, pipeline);
        } catch (RuntimeException e) {
            onnx.close();
            throw e;
        }
    }

    public String modelName() {
        return modelName;
    }

    public String version() {
        return version;
    }

    public ModelConfig config() {
        return config;
    }

    public OnnxModel onnx() {
        return onnx;
    }

    public List<TensorSpec> inputs() {
        return pipeline.inputs();
    }

    public List<TensorSpec> outputs() {
        return pipeline.outputs();
    }

    public RequestParser parser() {
        return parser;
    }

    /** Runs a parsed request: checks its inputs and outputs against the model, then the pipeline. */
    public InferResponse infer(InferRequest request) {
        List<Tensor> inputs = ordered(request.inputs());
        Set<String> wanted = wanted(request);
        List<Tensor> outputs;
        try {
            outputs = pipeline.run(inputs, wanted);
        } catch (OrtException e) {
            throw new InferenceFailure(
                    "model '" + modelName + "' version " + version + " failed to run: " + firstLine(e.getMessage()), e);
        }
        return new InferResponse(modelName, version, request.id(), select(outputs, request), request.tfServing());
    }

    /** A one-row request of placeholder values for every input: priming runs one through the whole path. */
    public List<Tensor> placeholderInputs() {
        return placeholderInputs(1);
    }

    /** Placeholder inputs of {@code rows} rows (where the model has a batch dimension), for profiling. */
    public List<Tensor> placeholderInputs(int rows) {
        List<Tensor> tensors = new ArrayList<>();
        for (TensorSpec spec : inputs()) {
            long[] shape = spec.shape().clone();
            for (int i = 0; i < shape.length; i++) if (shape[i] < 0) shape[i] = i == 0 ? rows : 1;
            int count = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (spec.datatype() == DataType.BYTES) {
                String[] strings = new String[count];
                Arrays.fill(strings, "Skiff warms up before the first request.");
                tensors.add(Tensor.strings(spec.name(), shape, strings));
            } else {
                ByteBuffer zeros = ByteBuffer.allocateDirect(count * spec.datatype().elementSize)
                        .order(ByteOrder.nativeOrder());
                tensors.add(Tensor.numeric(spec.name(), spec.datatype(), shape, zeros));
            }
        }
        return tensors;
    }

    /** Every input the model takes, once, in the model's order, with shapes it accepts. */
    private List<Tensor> ordered(List<Tensor> given) {
        List<TensorSpec> specs = pipeline.inputs();
        Tensor[] byPosition = new Tensor[specs.size()];
        for (Tensor tensor : given) {
            int at = indexOf(specs, tensor.name());
            if (at < 0) {
                throw ProtocolException.badRequest("input '" + tensor.name() + "' is not an input of model '"
                        + modelName + "'; it takes " + describe(specs));
            }
            if (byPosition[at] != null)
                throw ProtocolException.badRequest("input '" + tensor.name() + "' is given twice");
            checkShape(specs.get(at), tensor);
            byPosition[at] = tensor;
        }
        long batch = -1;
        for (int i = 0; i < specs.size(); i++) {
            TensorSpec spec = specs.get(i);
            if (byPosition[i] == null) {
                throw ProtocolException.badRequest(
                        "input '" + spec.name() + "' is missing; model '" + modelName + "' takes " + describe(specs));
            }
            if (spec.hasBatchDimension()) {
                long rows = byPosition[i].shape()[0];
                if (batch >= 0 && rows != batch) {
                    throw ProtocolException.badRequest("input '" + spec.name() + "' has " + rows
                            + " rows, other inputs have " + batch + "; every input needs the same batch size");
                }
                batch = rows;
            }
        }
        if (batch > config.maxBatchSize()) {
            throw ProtocolException.badRequest("the request has " + batch + " rows, more than model '" + modelName
                    + "' takes at once (maxBatchSize " + config.maxBatchSize() + "); split it");
        }
        if (batch == 0) throw ProtocolException.badRequest("the request has 0 rows; send at least one");
        return Arrays.asList(byPosition);
    }

    private void checkShape(TensorSpec spec, Tensor tensor) {
        long[] expected = spec.shape();
        long[] actual = tensor.shape();
        if (expected.length != actual.length) {
            throw ProtocolException.badRequest("input '" + spec.name() + "': shape " + Arrays.toString(actual) + " has "
                    + actual.length + " dimensions, the model takes " + expected.length + ": "
                    + Arrays.toString(expected)
                    + " (-1 is any size)");
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] >= 0 && expected[i] != actual[i]) {
                throw ProtocolException.badRequest("input '" + spec.name() + "': shape " + Arrays.toString(actual)
                        + " disagrees with the model's " + Arrays.toString(expected) + " at dimension " + i
                        + ": expected " + expected[i] + " (-1 is any size)");
            }
        }
    }

    private Set<String> wanted(InferRequest request) {
        if (request.outputs().isEmpty()) return Set.of();
        Set<String> names = new LinkedHashSet<>();
        for (InferRequest.RequestedOutput output : request.outputs()) {
            if (indexOf(pipeline.outputs(), output.name()) < 0) {
                throw ProtocolException.badRequest("output '" + output.name() + "' is not an output of model '"
                        + modelName + "'; it gives " + describe(pipeline.outputs()));
            }
            if (!names.add(output.name()))
                throw ProtocolException.badRequest("output '" + output.name() + "' is asked for twice");
        }
        return names;
    }

    /** The outputs asked for, in the order asked; all of the pipeline's, in its order, when none were named. */
    private List<Tensor> select(List<Tensor> produced, InferRequest request) {
        List<Tensor> selected = new ArrayList<>();
        if (request.outputs().isEmpty()) {
            for (TensorSpec spec : pipeline.outputs()) {
                for (Tensor t : produced) if (t.name().equals(spec.name())) selected.add(t);
            }
        } else {
            for (InferRequest.RequestedOutput output : request.outputs()) {
                for (Tensor t : produced) if (t.name().equals(output.name())) selected.add(t);
            }
        }
        return selected;
    }

    private static int indexOf(List<TensorSpec> specs, String name) {
        for (int i = 0; i < specs.size(); i++) if (specs.get(i).name().equals(name)) return i;
        return -1;
    }

    private static String describe(List<TensorSpec> specs) {
        return specs.toString();
    }

    private static String firstLine(String message) {
        if (message == null) return "no detail from ONNX Runtime";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void close() {
        onnx.close();
    }
}
