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
import dev.skiff.runtime.protocol.ResponseWriter;
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
    private final byte[] configuredWarmUp; // null: placeholder values

    private ModelVersion(
            String modelName, String version, ModelConfig config, OnnxModel onnx, Pipeline pipeline, Path versionDir) {
        this.modelName = modelName;
        this.version = version;
        this.config = config;
        this.onnx = onnx;
        this.pipeline = pipeline;
        this.parser = new RequestParser(pipeline.inputs());
        this.configuredWarmUp = config.warmUp() == null ? null : configuredWarmUp(config.warmUp(), versionDir);
    }

    /** The configured request's bytes, parsed once here so that one that does not fit the model fails the load. */
    private byte[] configuredWarmUp(WarmUpRequest request, Path versionDir) {
        byte[] body = request.body(versionDir);
        try {
            parser.parse(body);
        } catch (ProtocolException e) {
            throw new ModelLoadException("model '" + modelName + "' version " + version + ": " + request.source()
                    + " is not a request this model takes: " + e.getMessage());
        }
        return body;
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
                case TEXT_EMBEDDING -> TextEmbeddingPipeline.load(onnx, versionDir, config);
            };
            return new ModelVersion(modelName, version, config, onnx, pipeline, versionDir);
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

    /** Whether config.json gives this version a real warm-up request. */
    public boolean hasConfiguredWarmUp() {
        return configuredWarmUp != null;
    }

    /**
     * The body of the request both targets warm a version with before it serves: the configured
     * one, else one row of placeholder values.
     */
    public byte[] warmUpBody() {
        return configuredWarmUp != null
                ? configuredWarmUp.clone()
                : ResponseWriter.inferRequest("warm-up", placeholderInputs());
    }

    /**
     * The warm-up policy of both targets, for a warm-up request that failed: a configured one fails
     * the load (it is the model's own input), a placeholder one does not (zeros are no valid input
     * for many models), and the message to log says so and what to do.
     *
     * @return the line to log when the version still serves
     * @throws ModelLoadException when the configured warm-up failed
     */
    public String warmUpFailed(String reason) {
        String which = "model '" + modelName + "' version " + version;
        if (configuredWarmUp != null) {
            throw new ModelLoadException(
                    which + " failed its warm-up request (" + config.warmUp().source() + "): " + reason);
        }
        return which + " failed its placeholder warm-up request and serves anyway (its first request pays for "
                + "lazy set-up); give it a real one in config.json's \"warmup\": " + reason;
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
