package dev.skiff.runtime.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * ONNX Runtime set-up for the process: its native libraries, the one environment, and session
 * options sized for the CPU the function gets.
 */
public final class OrtRuntime {
    /** ONNX Runtime's own property: load the natives from this directory instead of extracting them from its jar. */
    static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";
    /** Lambda gives one vCPU per 1,769 MB of memory, up to six. */
    private static final double LAMBDA_MB_PER_VCPU = 1769.0;

    private static final int LAMBDA_MAX_VCPUS = 6;

    /**
     * The stack of the thread that creates the environment. ONNX Runtime (1.29) recurses about 260
     * bytes of native stack per character of the process's command line while it creates its
     * environment, so a 1 MB Java thread stack overflows (SIGSEGV, no hs_err) past a command line
     * of about 4 KB, as `java -cp <20 jars> ...` has. 64 MB is reserved, not committed, and covers
     * the longest single argument Linux takes (128 KB).
     */
    static final long ENVIRONMENT_STACK_BYTES = 64L << 20;

    private static volatile OrtEnvironment environment;

    static {
        // before any ONNX Runtime class loads its natives: SessionOptions does so in its own static init
        usePreExtractedNatives();
    }

    private OrtRuntime() {}

    /**
     * The process's one OrtEnvironment. On first use, points ONNX Runtime at the natives that the
     * package ships pre-extracted ({@code $SKIFF_NATIVE_DIR}, or {@code $LAMBDA_TASK_ROOT/native}):
     * extracting them from the jar costs a cold start about 130 ms. Without them, the jar's are used.
     */
    public static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env == null) {
            synchronized (OrtRuntime.class) {
                env = environment;
                if (env == null) {
                    env = createOnLargeStack();
                    environment = env;
                }
            }
        }
        return env;
    }

    private static OrtEnvironment createOnLargeStack() {
        FutureTask<OrtEnvironment> create = new FutureTask<>(
                () -> OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "skiff"));
        new Thread(null, create, "ort-environment", ENVIRONMENT_STACK_BYTES).start();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return create.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the environment is being created either way: wait for it
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    if (e.getCause() instanceof Error r) throw r;
                    throw new IllegalStateException("ONNX Runtime's environment could not be created", e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The directory natives were loaded from, or null when they came out of the jar. */
    public static String nativeDirectory() {
        return System.getProperty(NATIVE_PATH_PROPERTY);
    }

    static void usePreExtractedNatives() {
        if (System.getProperty(NATIVE_PATH_PROPERTY) != null) return;
        String configured = System.getenv("SKIFF_NATIVE_DIR");
        String taskRoot = System.getenv("LAMBDA_TASK_ROOT");
        Path dir = configured != null ? Path.of(configured) : taskRoot != null ? Path.of(taskRoot, "native") : null;
        if (dir != null && Files.isRegularFile(dir.resolve(System.mapLibraryName("onnxruntime")))) {
            System.setProperty(NATIVE_PATH_PROPERTY, dir.toAbsolutePath().toString());
        }
    }

    /**
     * Intra-op threads: as many as the vCPUs the function's memory size buys on Lambda, or the
     * machine's processors elsewhere; a config's {@code intraOpThreads} wins.
     */
    public static int intraOpThreads(ModelConfig config) {
        if (config.intraOpThreads() > 0) return config.intraOpThreads();
        String memory = System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
        if (memory != null) {
            try {
                return lambdaVcpus(Integer.parseInt(memory.trim()));
            } catch (NumberFormatException ignored) {
                // not a number: fall through to the machine's count
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public static int lambdaVcpus(int memoryMb) {
        return (int) Math.max(1, Math.min(LAMBDA_MAX_VCPUS, Math.ceil(memoryMb / LAMBDA_MB_PER_VCPU)));
    }

    /** Session options for serving on the CPU: all graph optimizations, one inter-op thread. */
    public static OrtSession.SessionOptions cpuOptions(int intraOpThreads) throws OrtException {
        environment(); // natives and environment first, from the right place
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setIntraOpNumThreads(intraOpThreads);
        options.setInterOpNumThreads(1);
        if (intraOpThreads == 1) options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }

    /**
     * Writes the graph-optimized form of a model (done at package time, so a cold start skips
     * that work). Extended optimizations only: they are portable across CPUs, unlike layout ones.
     */
    public static void writeOptimizedModel(Path model, Path optimized) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            options.setOptimizedModelFilePath(optimized.toString());
            environment().createSession(model.toString(), options).close();
        }
    }
}
