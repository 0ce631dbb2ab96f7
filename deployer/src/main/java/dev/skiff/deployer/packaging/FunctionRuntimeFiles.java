package dev.skiff.deployer.packaging;

import dev.skiff.deployer.cli.UserError;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The function's code as function-runtime-lambda's build lays out its Lambda package
 * (function-runtime/parent/pom.xml): the jars of {@code lib/} and ONNX Runtime's jar, whose classes go
 * to the package root and whose natives are picked per architecture. Which jars those are is read from
 * {@value #MANIFEST}, which that build writes into function-runtime-lambda's jar; the files themselves
 * are found on this process's class path (skiff's lib/, or a test's class path), by file name.
 */
public final class FunctionRuntimeFiles {
    static final String MANIFEST = "META-INF/skiff/lambda-package.properties";
    static final String NATIVE_PREFIX = "ai/onnxruntime/native/";

    private final Map<String, Path> libraries;
    private final Path onnxRuntimeJar;

    private FunctionRuntimeFiles(Map<String, Path> libraries, Path onnxRuntimeJar) {
        this.libraries = libraries;
        this.onnxRuntimeJar = onnxRuntimeJar;
    }

    public static FunctionRuntimeFiles locate() {
        return of(properties(MANIFEST, "function-runtime-lambda"), classPath());
    }

    /** A package manifest that a module's build wrote into its jar, read from this process's class path. */
    static Properties properties(String resource, String module) {
        URL manifest = FunctionRuntimeFiles.class.getClassLoader().getResource(resource);
        if (manifest == null) {
            throw new UserError(module + " is not on skiff's class path (no " + resource + "); "
                    + "rebuild Skiff: bin/jdk ./mvnw -DskipTests package");
        }
        Properties properties = new Properties();
        try (InputStream in = manifest.openStream()) {
            properties.load(in);
        } catch (IOException e) {
            throw new UserError("cannot read " + manifest + ": " + e.getMessage());
        }
        return properties;
    }

    /** The files {@code manifest} names, from {@code classPath}. */
    static FunctionRuntimeFiles of(Properties manifest, List<Path> classPath) {
        Map<String, Path> byName = byFileName(classPath);
        Map<String, Path> libraries = libraries(MANIFEST, manifest, byName);
        List<String> onnxRuntime = entries(MANIFEST, manifest, "onnxruntime");
        if (onnxRuntime.size() != 1)
            throw new UserError(MANIFEST + " must name one ONNX Runtime jar, not " + onnxRuntime);
        return new FunctionRuntimeFiles(libraries, jar(MANIFEST, onnxRuntime.getFirst(), byName));
    }

    static Map<String, Path> byFileName(List<Path> classPath) {
        Map<String, Path> byName = new LinkedHashMap<>();
        for (Path entry : classPath) {
            if (entry.getFileName() != null)
                byName.putIfAbsent(entry.getFileName().toString(), entry);
        }
        return byName;
    }

    /** The manifest's {@code lib=} jars: each one's path in the package and its file on the class path. */
    static Map<String, Path> libraries(String resource, Properties manifest, Map<String, Path> byName) {
        Map<String, Path> libraries = new LinkedHashMap<>();
        for (String packagePath : entries(resource, manifest, "lib")) {
            if (!packagePath.startsWith("lib/"))
                throw new UserError(resource + " names " + packagePath + " outside lib/");
            libraries.put(packagePath, jar(resource, packagePath, byName));
        }
        return Collections.unmodifiableMap(libraries);
    }

    private static List<String> entries(String resource, Properties manifest, String key) {
        String value = manifest.getProperty(key, "").strip();
        if (value.isEmpty()) throw new UserError(resource + " has no " + key + "=");
        List<String> entries = new ArrayList<>();
        for (String entry : value.split(",")) entries.add(entry.strip());
        return entries;
    }

    private static Path jar(String resource, String entry, Map<String, Path> classPath) {
        String name = Path.of(entry).getFileName().toString();
        Path jar = classPath.get(name);
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new UserError("the function's " + name + " (" + resource + ") is not a jar on skiff's class path"
                    + (jar == null ? "" : " (" + jar + ")") + "; run skiff from its distribution (bin/skiff) after "
                    + "bin/jdk ./mvnw -DskipTests package");
        }
        return jar;
    }

    static List<Path> classPath() {
        List<Path> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) entries.add(Path.of(entry));
        }
        return entries;
    }

    /** The jars of {@code lib/}, in the manifest's order: each one's path in the package and its file. */
    public Map<String, Path> libraries() {
        return libraries;
    }

    public Path onnxRuntimeJar() {
        return onnxRuntimeJar;
    }

    /** Whether a jar entry of ONNX Runtime is one of its classes (everything but natives and META-INF). */
    static boolean isOnnxRuntimeClassFile(ZipEntry entry) {
        return !entry.isDirectory()
                && !entry.getName().startsWith(NATIVE_PREFIX)
                && !entry.getName().startsWith("META-INF/");
    }

    /** Whether a jar entry is one of the natives for the architecture (not debug symbols). */
    static boolean isNative(ZipEntry entry, Architecture architecture) {
        String prefix = NATIVE_PREFIX + architecture.onnxRuntimeFolder + "/";
        return !entry.isDirectory()
                && entry.getName().startsWith(prefix)
                && entry.getName().indexOf('/', prefix.length()) < 0;
    }

    /** Bytes the package holds before any model: lib/, ONNX Runtime's classes and one architecture's natives. */
    public long unzippedBaseBytes(Architecture architecture) {
        long total = 0;
        try {
            for (Path library : libraries.values()) total += Files.size(library);
            try (ZipFile jar = new ZipFile(onnxRuntimeJar.toFile())) {
                Enumeration<? extends ZipEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    if (isOnnxRuntimeClassFile(entry) || isNative(entry, architecture))
                        total += Math.max(0, entry.getSize());
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot read the function's jars: " + e.getMessage());
        }
        return total;
    }
}
