package dev.skiff.emulator.gpupool;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * How to start the gpu-fallback server: its class path and main class.
 *
 * @param classPath the class path, as {@code java -cp} takes it
 */
public record GpuServerCommand(String classPath, String mainClass) {
    public static final String MAIN_CLASS = "dev.skiff.gpu.GpuServer";
    /** The system property bin/skiff sets to the Skiff distribution it runs from. */
    public static final String SKIFF_HOME_PROPERTY = "skiff.home";
    /** Where a Skiff distribution keeps the server's jar and every runtime dependency, under its home. */
    public static final String LIB = "gpu-fallback/lib";

    /** The server from a directory of jars, such as gpu-fallback/target/lib. */
    public static GpuServerCommand fromLib(Path lib) {
        List<Path> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + lib, e);
        }
        // ONNX Runtime's CPU and CUDA builds hold the same classes; on this machine the CPU one runs
        boolean cpuBuild =
                jars.stream().anyMatch(j -> j.getFileName().toString().matches("onnxruntime-\\d.*\\.jar"));
        List<String> entries = new ArrayList<>();
        for (Path jar : jars) {
            if (cpuBuild && jar.getFileName().toString().startsWith("onnxruntime_gpu-")) continue;
            entries.add(jar.toAbsolutePath().toString());
        }
        return new GpuServerCommand(String.join(File.pathSeparator, entries), MAIN_CLASS);
    }

    /**
     * The server of the Skiff distribution this process runs from ({@value #SKIFF_HOME_PROPERTY}):
     * its {@value #LIB}.
     *
     * @return null when there is none: no home set, or a home without the server
     */
    public static GpuServerCommand ofSkiffHome() {
        String home = System.getProperty(SKIFF_HOME_PROPERTY);
        if (home == null) return null;
        Path lib = Path.of(home).resolve(LIB);
        return Files.isRegularFile(lib.resolve("gpu-fallback.jar")) ? fromLib(lib) : null;
    }
}
