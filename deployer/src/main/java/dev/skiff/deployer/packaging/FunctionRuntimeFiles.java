package dev.skiff.deployer.packaging;

import dev.skiff.deployer.cli.UserError;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Where the function's code is on this process's class path: the jars a Lambda package puts in
 * {@code lib/} (as function-runtime's own package phase does) and ONNX Runtime's jar, whose
 * classes go to the package root and whose natives are picked per architecture.
 */
public final class FunctionRuntimeFiles {
    /** One class from each jar of function-runtime's Lambda lib/ (function-runtime/lambda/pom.xml, lambda-lib). */
    static final List<String> LIB_MARKER_CLASSES = List.of(
            "dev.skiff.runtime.lambda.SkiffHandler",
            "dev.skiff.runtime.api.InferenceApi",
            "com.fasterxml.jackson.core.JsonFactory",
            "com.amazonaws.services.lambda.runtime.RequestStreamHandler",
            "org.crac.Core");
    static final String ONNX_RUNTIME_MARKER_CLASS = "ai.onnxruntime.OrtEnvironment";
    static final String NATIVE_PREFIX = "ai/onnxruntime/native/";

    private final List<Path> libraries;
    private final Path onnxRuntimeJar;

    private FunctionRuntimeFiles(List<Path> libraries, Path onnxRuntimeJar) {
        this.libraries = libraries;
        this.onnxRuntimeJar = onnxRuntimeJar;
    }

    public static FunctionRuntimeFiles locate() {
        List<Path> libraries = new ArrayList<>();
        for (String marker : LIB_MARKER_CLASSES) libraries.add(locationOf(marker));
        Path onnxRuntime = locationOf(ONNX_RUNTIME_MARKER_CLASS);
        if (!Files.isRegularFile(onnxRuntime)) {
            throw new UserError("ONNX Runtime is on the class path as " + onnxRuntime + ", not as its jar; run skiff from "
                    + "deployer/target/lib (bin/skiff) so the natives can be taken from the jar");
        }
        return new FunctionRuntimeFiles(List.copyOf(libraries), onnxRuntime);
    }

    /** Jars (or, in a build tree, class directories) that go to {@code lib/}. */
    public List<Path> libraries() {
        return libraries;
    }

    public Path onnxRuntimeJar() {
        return onnxRuntimeJar;
    }

    /** Whether a jar entry of ONNX Runtime is one of its classes (everything but natives and META-INF). */
    static boolean isOnnxRuntimeClassFile(ZipEntry entry) {
        return !entry.isDirectory() && !entry.getName().startsWith(NATIVE_PREFIX) && !entry.getName().startsWith("META-INF/");
    }

    /** Whether a jar entry is one of the natives for the architecture (not debug symbols). */
    static boolean isNative(ZipEntry entry, Architecture architecture) {
        String prefix = NATIVE_PREFIX + architecture.onnxRuntimeFolder + "/";
        return !entry.isDirectory() && entry.getName().startsWith(prefix) && entry.getName().indexOf('/', prefix.length()) < 0;
    }

    /** Bytes the package holds before any model: lib/, ONNX Runtime's classes and one architecture's natives. */
    public long unzippedBaseBytes(Architecture architecture) {
        long total = 0;
        try {
            for (Path library : libraries) total += Files.isDirectory(library) ? jarSizeEstimate(library) : Files.size(library);
            try (ZipFile jar = new ZipFile(onnxRuntimeJar.toFile())) {
                Enumeration<? extends ZipEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    if (isOnnxRuntimeClassFile(entry) || isNative(entry, architecture)) total += Math.max(0, entry.getSize());
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot read the function's jars: " + e.getMessage());
        }
        return total;
    }

    private static long jarSizeEstimate(Path classes) throws IOException {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum() / 2; // jars compress about 2:1
        }
    }

    private static Path locationOf(String className) {
        try {
            CodeSource source = Class.forName(className, false, FunctionRuntimeFiles.class.getClassLoader())
                    .getProtectionDomain().getCodeSource();
            if (source == null) throw new UserError("cannot tell which jar holds " + className);
            return Path.of(source.getLocation().toURI());
        } catch (ClassNotFoundException e) {
            throw new UserError(className + " is not on skiff's class path; rebuild the deployer "
                    + "(bin/jdk ./mvnw -pl deployer -am package -DskipTests)");
        } catch (URISyntaxException e) {
            throw new UserError("cannot locate the jar of " + className + ": " + e.getMessage());
        }
    }
}
