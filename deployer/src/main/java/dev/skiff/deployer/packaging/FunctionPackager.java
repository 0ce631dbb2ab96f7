package dev.skiff.deployer.packaging;

import ai.onnxruntime.OrtException;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.model.ModelDirectory;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.OnnxModel;
import dev.skiff.runtime.model.OrtRuntime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Writes a function in Lambda's layout, as function-runtime-lambda's build lays out its own package
 * (function-runtime/parent/pom.xml): lib/*.jar, ONNX Runtime's classes at the root without natives,
 * native/ with one architecture's natives flattened, and models/&lt;name&gt;/ with each version's model
 * and its optimized form.
 */
public final class FunctionPackager {
    private final FunctionRuntimeFiles files;
    private final Architecture architecture;

    public FunctionPackager(FunctionRuntimeFiles files, Architecture architecture) {
        this.files = files;
        this.architecture = architecture;
    }

    void writeFunction(PackageSink sink) throws IOException {
        for (Map.Entry<String, Path> library : files.libraries().entrySet()) {
            try (InputStream in = Files.newInputStream(library.getValue())) {
                sink.add(library.getKey(), in);
            }
        }
        int natives = 0;
        try (ZipFile jar = new ZipFile(files.onnxRuntimeJar().toFile())) {
            for (ZipEntry entry : sorted(jar)) {
                if (FunctionRuntimeFiles.isOnnxRuntimeClassFile(entry)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        sink.add(entry.getName(), in);
                    }
                } else if (FunctionRuntimeFiles.isNative(entry, architecture)) {
                    String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                    try (InputStream in = jar.getInputStream(entry)) {
                        sink.add("native/" + name, in);
                    }
                    natives++;
                }
            }
        }
        if (natives == 0) {
            throw new UserError(files.onnxRuntimeJar() + " has no natives for " + architecture + " ("
                    + FunctionRuntimeFiles.NATIVE_PREFIX + architecture.onnxRuntimeFolder + "/)");
        }
    }

    /**
     * Adds models/&lt;name&gt;/: config.json and every version's files, with a freshly written
     * model.optimized.onnx (staged under {@code workDir}, never in the model repository).
     */
    void writeModel(PackageSink sink, ModelDirectory model, Path workDir) throws IOException {
        String root = "models/" + model.name() + "/";
        Path config = model.directory().resolve(ModelConfig.FILE_NAME);
        if (Files.isRegularFile(config)) addFile(sink, root + ModelConfig.FILE_NAME, config);
        for (String version : model.versions()) {
            Path versionDir = model.versionDirectory(version);
            try (Stream<Path> list = Files.list(versionDir)) {
                for (Path file : list.filter(Files::isRegularFile).sorted().toList()) {
                    if (file.getFileName().toString().equals(OnnxModel.OPTIMIZED_MODEL_FILE))
                        continue; // rewritten below
                    addFile(sink, root + version + "/" + file.getFileName(), file);
                }
            }
            Path optimized = workDir.resolve(model.name()).resolve(version).resolve(OnnxModel.OPTIMIZED_MODEL_FILE);
            writeOptimized(versionDir.resolve(OnnxModel.MODEL_FILE), optimized);
            addFile(sink, root + version + "/" + OnnxModel.OPTIMIZED_MODEL_FILE, optimized);
        }
    }

    private static void writeOptimized(Path model, Path optimized) throws IOException {
        Files.createDirectories(optimized.getParent());
        try {
            OrtRuntime.writeOptimizedModel(model, optimized);
        } catch (OrtException e) {
            throw new UserError("ONNX Runtime cannot optimize " + model + ": " + e.getMessage()
                    + "; check that the model loads (skiff plan "
                    + model.getParent().getParent() + ")");
        }
    }

    private static void addFile(PackageSink sink, String path, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            sink.add(path, in);
        }
    }

    private static List<? extends ZipEntry> sorted(ZipFile jar) {
        return jar.stream().sorted(Comparator.comparing(ZipEntry::getName)).toList();
    }
}
