package dev.skiff.runtime.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One ONNX Runtime session and the tensors it takes and gives, as read from the session itself. */
public final class OnnxModel implements AutoCloseable {
    public static final String MODEL_FILE = "model.onnx";
    public static final String OPTIMIZED_MODEL_FILE = "model.optimized.onnx";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path file;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Set<String> outputNames;

    private OnnxModel(OrtEnvironment env, OrtSession session, Path file) throws OrtException {
        this.env = env;
        this.session = session;
        this.file = file;
        this.inputs = specs(session.getInputInfo(), "input");
        this.outputs = specs(session.getOutputInfo(), null);
        Set<String> names = new LinkedHashSet<>();
        for (TensorSpec spec : outputs) names.add(spec.name());
        this.outputNames = Set.copyOf(names);
    }

    /** Loads a version directory's model, preferring the optimized form written at package time. */
    public static OnnxModel load(Path versionDir, OrtSession.SessionOptions options) {
        Path optimized = versionDir.resolve(OPTIMIZED_MODEL_FILE);
        Path file = Files.isRegularFile(optimized) ? optimized : versionDir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(file)) throw new ModelLoadException("no " + MODEL_FILE + " in " + versionDir);
        OrtEnvironment env = OrtRuntime.environment();
        try {
            return new OnnxModel(env, env.createSession(file.toString(), options), file);
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    public List<TensorSpec> inputs() {
        return inputs;
    }

    public List<TensorSpec> outputs() {
        return outputs;
    }

    public Path file() {
        return file;
    }

    public OrtEnvironment environment() {
        return env;
    }

    /**
     * Runs the session. Inputs are protocol tensors (fed without copies); {@code wanted} names the
     * outputs to compute, all tensor outputs when empty.
     */
    public List<Tensor> run(List<Tensor> tensors, Set<String> wanted) throws OrtException {
        Map<String, OnnxTensor> feed = new HashMap<>(tensors.size() * 2);
        try {
            for (Tensor tensor : tensors) feed.put(tensor.name(), TensorConversion.toOnnx(env, tensor));
            return run(feed, wanted);
        } finally {
            for (OnnxTensor t : feed.values()) t.close();
        }
    }

    /** Runs the session on tensors already in ONNX Runtime (pipelines that build their own). */
    public List<Tensor> run(Map<String, OnnxTensor> feed, Set<String> wanted) throws OrtException {
        Set<String> requested = wanted.isEmpty() ? outputNames : wanted;
        try (OrtSession.Result result = session.run(feed, requested)) {
            List<Tensor> out = new ArrayList<>(requested.size());
            for (Map.Entry<String, OnnxValue> entry : result) {
                out.add(TensorConversion.fromOnnx(entry.getKey(), (OnnxTensor) entry.getValue()));
            }
            return out;
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the session of " + file, e);
        }
    }

    /** Tensor inputs and outputs; non-tensor outputs (ONNX-ML maps and sequences) are left out. */
    private List<TensorSpec> specs(Map<String, NodeInfo> infos, String requiredKind) {
        List<TensorSpec> specs = new ArrayList<>(infos.size());
        for (NodeInfo node : infos.values()) {
            if (!(node.getInfo() instanceof TensorInfo info)) {
                if (requiredKind != null) {
                    throw new ModelLoadException(
                            file + ": " + requiredKind + " '" + node.getName() + "' is not a tensor");
                }
                continue;
            }
            DataType type = DataType.fromOnnx(info.onnxType);
            if (type == null) {
                if (requiredKind != null) {
                    throw new ModelLoadException(file + ": " + requiredKind + " '" + node.getName()
                            + "' has element type " + info.onnxType + ", which the protocol cannot carry");
                }
                continue;
            }
            specs.add(new TensorSpec(node.getName(), type, info.getShape()));
        }
        return List.copyOf(specs);
    }
}
