package dev.skiff.gpu.provider;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.skiff.runtime.model.OrtRuntime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Picks CUDA when this ONNX Runtime build has it and a session can really start on the device (a
 * tiny identity model is loaded there), otherwise the CPU, and says why.
 */
public final class ExecutionProviderSelector {
    /** A one-node Identity model over FLOAT [n], written by function-runtime's OnnxModelBuilder. */
    static final String PROBE_MODEL = "probe.onnx";

    /** What --execution-provider asks for. */
    public enum Preference {
        AUTO,
        CUDA,
        CPU
    }

    private ExecutionProviderSelector() {}

    /**
     * @throws IllegalStateException when CUDA was required and cannot be used
     */
    public static ExecutionProvider select(Preference preference, int deviceId) {
        if (preference == Preference.CPU) return ExecutionProvider.cpu("the CPU provider was asked for");
        String whyNot = cudaUnusableReason(deviceId);
        if (whyNot == null) return ExecutionProvider.cuda(deviceId);
        if (preference == Preference.CUDA) {
            throw new IllegalStateException("the CUDA provider was asked for but cannot be used: " + whyNot);
        }
        return ExecutionProvider.cpu("CUDA is not usable: " + whyNot);
    }

    /** Null when a session runs on the CUDA device, else why it does not. */
    static String cudaUnusableReason(int deviceId) {
        OrtEnvironment env = OrtRuntime.environment();
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "this ONNX Runtime build has no CUDA provider (the onnxruntime jar is on the class path, "
                    + "not onnxruntime_gpu)";
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(deviceId);
            try (OrtSession session = env.createSession(probeModel(), options)) {
                return null;
            }
        } catch (OrtException | RuntimeException | LinkageError e) {
            // typically a missing libcudart/libcudnn, no driver, or no such device
            return firstLine(e.toString());
        }
    }

    private static byte[] probeModel() {
        try (InputStream in = ExecutionProviderSelector.class.getResourceAsStream(PROBE_MODEL)) {
            if (in == null) throw new IllegalStateException(PROBE_MODEL + " is missing from the jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
