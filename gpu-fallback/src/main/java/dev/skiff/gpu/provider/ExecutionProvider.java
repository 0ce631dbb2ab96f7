package dev.skiff.gpu.provider;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.skiff.runtime.model.OrtRuntime;

/**
 * Where this process runs its models, chosen once at start.
 *
 * @param kind     CUDA or CPU
 * @param deviceId the CUDA device, or -1 on the CPU
 * @param reason   why this provider was chosen, for logs and metadata
 */
public record ExecutionProvider(Kind kind, int deviceId, String reason) {

    public enum Kind {
        CUDA,
        CPU
    }

    public static ExecutionProvider cpu(String reason) {
        return new ExecutionProvider(Kind.CPU, -1, reason);
    }

    public static ExecutionProvider cuda(int deviceId) {
        return new ExecutionProvider(Kind.CUDA, deviceId, "CUDA device " + deviceId + " loaded a probe model");
    }

    /** The name reported in metadata, logs and metrics: "CUDA" or "CPU". */
    public String label() {
        return kind.name();
    }

    /**
     * Session options for one session of a model version. The CPU threads also run any node that
     * the CUDA provider leaves to the CPU.
     */
    public OrtSession.SessionOptions sessionOptions(int intraOpThreads) throws OrtException {
        OrtSession.SessionOptions options = OrtRuntime.cpuOptions(intraOpThreads);
        if (kind == Kind.CUDA) {
            try {
                options.addCUDA(deviceId);
            } catch (OrtException | RuntimeException e) {
                options.close();
                throw e;
            }
        }
        return options;
    }
}
