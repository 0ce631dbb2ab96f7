package dev.skiff.deployer.plan;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.model.ModelDirectory;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.model.OrtRuntime;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.ProtocolException;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Profiles a model's latest version on this machine: load time, then p50/p99 of whole requests
 * (parse, pipeline, ONNX Runtime, response) built from the model's placeholder inputs, at one row
 * and at its max batch, with one intra-op thread; then the max batch once more with two threads to
 * see how much of the work runs in parallel.
 */
public final class Profiler {
    private final ProfileSettings settings;
    private final Consumer<String> progress;

    public Profiler(ProfileSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public Profile profile(ModelDirectory model) {
        String version = model.latestVersion();
        Path versionDir = model.versionDirectory(version);
        OrtRuntime.environment(); // loads the natives once, so the first model's load time does not include it
        long rssBefore = residentBytes();
        long start = System.nanoTime();
        try (ModelVersion oneThread = load(model, version, versionDir, 1)) {
            double loadMs = (System.nanoTime() - start) / 1e6;
            progress.accept(
                    model.name() + ": loaded in " + Math.round(loadMs) + " ms, profiling " + settings.runs() + " runs");
            int maxRows = maxRows(oneThread);
            LatencyStats batchOne = measure(oneThread, 1);
            LatencyStats maxBatch = maxRows == 1 ? batchOne : measure(oneThread, maxRows);
            double memoryGrowthMb = Math.max(0, residentBytes() - rssBefore) / (1024.0 * 1024.0);
            double parallelBatchOne = 0, parallelMaxBatch = 0;
            if (Runtime.getRuntime().availableProcessors() >= 2) {
                try (ModelVersion twoThreads = load(model, version, versionDir, 2)) {
                    parallelBatchOne = parallelFraction(batchOne, measure(twoThreads, 1));
                    parallelMaxBatch =
                            maxRows == 1 ? parallelBatchOne : parallelFraction(maxBatch, measure(twoThreads, maxRows));
                }
            }
            return new Profile(
                    loadMs,
                    oneThread.inputs(),
                    oneThread.outputs(),
                    batchOne,
                    maxBatch,
                    parallelBatchOne,
                    parallelMaxBatch,
                    memoryGrowthMb);
        }
    }

    private static ModelVersion load(ModelDirectory model, String version, Path versionDir, int threads) {
        try (OrtSession.SessionOptions options = OrtRuntime.cpuOptions(threads)) {
            return ModelVersion.load(model.name(), version, versionDir, model.config(), options);
        } catch (OrtException | ModelLoadException e) {
            throw new UserError("cannot load model '" + model.name() + "' version " + version + " to profile it: "
                    + e.getMessage());
        }
    }

    /** The rows one request may carry: the config's maxBatchSize when every input has a batch dimension. */
    static int maxRows(ModelVersion version) {
        for (TensorSpec input : version.inputs()) if (!input.hasBatchDimension()) return 1;
        return version.config().maxBatchSize();
    }

    private LatencyStats measure(ModelVersion version, int rows) {
        byte[] body = ResponseWriter.inferRequest("profile", rowsOf(version.placeholderInputs(), rows));
        for (int i = 0; i < settings.warmupRuns(); i++) run(version, body);
        long[] nanos = new long[settings.runs()];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            run(version, body);
            nanos[i] = System.nanoTime() - start;
        }
        return LatencyStats.of(rows, nanos);
    }

    private static void run(ModelVersion version, byte[] body) {
        try {
            InferRequest request = version.parser().parse(body);
            ResponseWriter.infer(version.infer(request));
        } catch (ProtocolException e) {
            throw new UserError(
                    "model '" + version.modelName() + "' rejects its own placeholder inputs: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new UserError("model '" + version.modelName() + "' failed on placeholder inputs: " + e.getMessage());
        }
    }

    /** The placeholder request (one row) repeated to {@code rows} rows along the batch dimension. */
    static List<Tensor> rowsOf(List<Tensor> oneRow, int rows) {
        if (rows == 1) return oneRow;
        List<Tensor> tensors = new ArrayList<>(oneRow.size());
        for (Tensor t : oneRow) {
            long[] shape = t.shape().clone();
            shape[0] = shape[0] * rows;
            if (t.strings() != null) {
                String[] strings = new String[t.strings().length * rows];
                for (int i = 0; i < strings.length; i++) strings[i] = t.strings()[i % t.strings().length];
                tensors.add(Tensor.strings(t.name(), shape, strings));
            } else {
                ByteBuffer row = t.data();
                ByteBuffer all =
                        ByteBuffer.allocateDirect(row.capacity() * rows).order(ByteOrder.nativeOrder());
                for (int r = 0; r < rows; r++) all.put(row.duplicate().clear());
                tensors.add(Tensor.numeric(t.name(), t.datatype(), shape, all.flip()));
            }
        }
        return tensors;
    }

    /** This process's resident memory from /proc (Linux); 0 elsewhere, and the plan falls back to file sizes. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no measurement
        }
        return 0;
    }

    /** Amdahl: t2 = t1 * ((1 - p) + p / 2), so p = 2 * (1 - t2 / t1); noise on a shared machine is clamped away. */
    private static double parallelFraction(LatencyStats oneThread, LatencyStats twoThreads) {
        return clamp(2 * (1 - twoThreads.p50Ms() / oneThread.p50Ms()), 0, 0.95);
    }

    private static double clamp(double value, double min, double max) {
        return Double.isNaN(value) ? min : Math.max(min, Math.min(max, value));
    }
}
