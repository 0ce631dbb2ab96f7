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
    /** Where gpu-fallback's {@code package} puts its jar and every runtime dependency. */
    public static final String LIB = "gpu-fallback/target/lib";

    /** The server from a directory of jars, such as gpu-fallback/target/lib. */
    public static GpuServerCommand fromLib(Path lib) {
        List<Path> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + lib, e);
        }
        // ONNX Runtime's CPU and CUDA builds hold the same classes; on this machine the CPU one runs
        boolean cpuBuild = jars.stream().anyMatch(j -> j.getFileName().toString().matches("onnxruntime-\\d.*\\.jar"));
        List<String> entries = new ArrayList<>();
        for (Path jar : jars) {
            if (cpuBuild && jar.getFileName().toString().startsWith("onnxruntime_gpu-")) continue;
            entries.add(jar.toAbsolutePath().toString());
        }
        return new GpuServerCommand(String.join(File.pathSeparator, entries), MAIN_CLASS);
    }

    /**
     * Finds gpu-fallback/target/lib in the template's folder or a parent of it, or in the working
     * directory: where a checkout of this repository keeps it.
     *
     * @return null when it is not built
     */
    public static GpuServerCommand locate(Path template) {
        List<Path> places = new ArrayList<>();
        for (Path dir = template.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) places.add(dir);
        places.add(Path.of("").toAbsolutePath());
        for (Path dir : places) {
            Path lib = dir.resolve(LIB);
            if (Files.isRegularFile(lib.resolve("gpu-fallback.jar"))) return fromLib(lib);
        }
        return null;
    }
}
