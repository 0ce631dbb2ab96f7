package dev.skiff.deployer.packaging;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.store.Checksums;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The scheduled drift function's .zip (the monitoring module's DriftHandler): the jars monitoring's
 * build lists in {@value #MANIFEST}, found on skiff's class path as the model functions' jars are.
 * One zip serves every capturing model; it runs no model, so it carries no ONNX Runtime.
 */
public final class DriftFunctionPackage {
    static final String MANIFEST = "META-INF/skiff/drift-package.properties";
    /** Where package writes it, relative to the package directory. */
    static final String ZIP = "drift-function/function.zip";

    private DriftFunctionPackage() {}

    /** Writes {@code <outDir>/drift-function/function.zip}. */
    static PackagedFunction write(Path outDir) throws IOException {
        Map<String, Path> libraries = FunctionRuntimeFiles.libraries(
                MANIFEST,
                FunctionRuntimeFiles.properties(MANIFEST, "monitoring"),
                FunctionRuntimeFiles.byFileName(FunctionRuntimeFiles.classPath()));
        Path zip = outDir.resolve(ZIP);
        try (ZipSink sink = new ZipSink(zip)) {
            for (Map.Entry<String, Path> library : libraries.entrySet()) {
                try (InputStream in = Files.newInputStream(library.getValue())) {
                    sink.add(library.getKey(), in);
                }
            }
        }
        return packaged(zip);
    }

    /** The .zip package wrote into {@code packageDir}, for deploy to upload. */
    public static PackagedFunction read(Path packageDir) throws IOException {
        Path zip = packageDir.resolve(ZIP);
        if (!Files.isRegularFile(zip)) {
            throw new UserError(zip + " is missing: a model captures, so its drift function ships too; run skiff "
                    + "package again");
        }
        return packaged(zip);
    }

    private static PackagedFunction packaged(Path zip) throws IOException {
        return new PackagedFunction("drift-function", zip, Checksums.sha256(zip), Files.size(zip));
    }
}
