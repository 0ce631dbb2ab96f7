package dev.skiff.deployer.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.testing.Examples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;

class FunctionRuntimeFilesTest {
    @TempDir
    Path dir;

    @Test
    void libHoldsWhatTheLambdaModulesBuildLaidOut() throws Exception {
        FunctionRuntimeFiles files = FunctionRuntimeFiles.locate();
        assertTrue(
                files.libraries().containsKey("lib/crac-1.5.0.jar"),
                files.libraries().toString());
        assertTrue(
                files.onnxRuntimeJar().getFileName().toString().startsWith("onnxruntime-"),
                files.onnxRuntimeJar().toString());

        Path builtLib = Examples.models().getParent().getParent().resolve("function-runtime/lambda/target/lambda/lib");
        assumeTrue(Files.isDirectory(builtLib), builtLib + " is not built (./mvnw package builds it)");
        try (Stream<Path> jars = Files.list(builtLib)) {
            assertEquals(
                    new TreeSet<>(jars.map(jar -> "lib/" + jar.getFileName()).toList()),
                    new TreeSet<>(files.libraries().keySet()));
        }
    }

    @Test
    void aJarTheManifestNamesMustBeOnTheClassPath() throws Exception {
        Path core = Files.writeString(dir.resolve("function-runtime-core-1.jar"), "jar");
        Path ort = Files.writeString(dir.resolve("onnxruntime-1.jar"), "jar");
        Properties manifest = manifest("lib/function-runtime-core-1.jar, lib/crac-1.jar", "./onnxruntime-1.jar");
        UserError missing = assertThrows(UserError.class, () -> FunctionRuntimeFiles.of(manifest, List.of(core, ort)));
        assertTrue(missing.getMessage().contains("crac-1.jar"), missing.getMessage());

        FunctionRuntimeFiles files = FunctionRuntimeFiles.of(
                manifest("lib/function-runtime-core-1.jar", "./onnxruntime-1.jar"),
                List.of(dir.resolve("classes"), core, ort));
        assertEquals(
                List.of("lib/function-runtime-core-1.jar"),
                List.copyOf(files.libraries().keySet()));
        assertEquals(ort, files.onnxRuntimeJar());
    }

    @Test
    void aManifestWithoutLibOrOneOnnxRuntimeIsRefused() throws Exception {
        Path jar = Files.writeString(dir.resolve("a.jar"), "jar");
        assertTrue(assertThrows(UserError.class, () -> FunctionRuntimeFiles.of(manifest("", "./o.jar"), List.of()))
                .getMessage()
                .contains("has no lib="));
        assertTrue(assertThrows(
                        UserError.class, () -> FunctionRuntimeFiles.of(manifest("native/x.so", "./o.jar"), List.of()))
                .getMessage()
                .contains("outside lib/"));
        assertTrue(assertThrows(
                        UserError.class,
                        () -> FunctionRuntimeFiles.of(manifest("lib/a.jar", "./o.jar,./p.jar"), List.of(jar)))
                .getMessage()
                .contains("must name one ONNX Runtime jar"));
    }

    private static Properties manifest(String lib, String onnxRuntime) {
        Properties manifest = new Properties();
        manifest.setProperty("lib", lib);
        manifest.setProperty("onnxruntime", onnxRuntime);
        return manifest;
    }
}
