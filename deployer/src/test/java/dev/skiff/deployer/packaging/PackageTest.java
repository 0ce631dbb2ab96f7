package dev.skiff.deployer.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.testing.FraudPackages;
import dev.skiff.deployer.testing.LocalLambda;
import dev.skiff.store.Checksums;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

class PackageTest {
    @TempDir
    Path dir;

    @Test
    void arm64ZipHoldsOnlyArm64NativesTheModelAndItsOptimizedForm() throws Exception {
        PackagedModel fraud = FraudPackages.of(Architecture.ARM64).models().getFirst();
        assertEquals("zip", fraud.packageType());
        List<String> names;
        try (ZipFile zip = new ZipFile(fraud.artifact().toFile())) {
            names = zip.stream().map(ZipEntry::getName).toList();
        }
        assertTrue(names.contains("native/libonnxruntime.so"), names.toString());
        assertTrue(names.contains("native/libonnxruntime4j_jni.so"), names.toString());
        assertTrue(
                names.stream().noneMatch(n -> n.startsWith("ai/onnxruntime/native/")),
                "no natives left inside the classes");
        assertTrue(
                names.stream().noneMatch(n -> n.endsWith(".dll") || n.endsWith(".dylib")),
                "no other platform's natives");
        assertTrue(names.contains("ai/onnxruntime/OrtEnvironment.class"), "ONNX Runtime's classes at the root");
        assertTrue(names.contains("models/fraud/1/model.onnx"));
        assertTrue(names.contains("models/fraud/1/model.optimized.onnx"));
        assertTrue(names.contains("models/fraud/config.json"));
        assertTrue(names.stream().anyMatch(n -> n.startsWith("lib/function-runtime")), names.toString());
        try (ZipFile zip = new ZipFile(fraud.artifact().toFile())) {
            byte[] elf =
                    zip.getInputStream(zip.getEntry("native/libonnxruntime.so")).readNBytes(20);
            assertEquals(0xB7, elf[18] & 0xFF, "ELF e_machine is AArch64 (183)");
        }
        assertTrue(fraud.unzippedBytes() < 250L * 1024 * 1024 && fraud.zippedBytes() < fraud.unzippedBytes());
    }

    @Test
    void packagingTwiceGivesTheSameBytes() throws Exception {
        PackageManifest first = FraudPackages.of(Architecture.ARM64);
        PackageManifest again = PackageManifest.read(
                first.models().getFirst().artifact().getParent().getParent());
        assertEquals(
                first.models().getFirst().sha256(), again.models().getFirst().sha256());
        assertEquals(
                Checksums.sha256(first.models().getFirst().artifact()),
                first.models().getFirst().sha256());
    }

    @Test
    void theLocalEmulatorRunsTheZipUnchanged() throws Exception {
        PackageManifest manifest = FraudPackages.of(Architecture.ofThisMachine());
        try (LocalLambda local = LocalLambda.start(manifest, dir)) {
            InvokeResponse response = local.invoke("FraudFunction", "live", LocalLambda.FRAUD_REQUEST);
            String body = response.payload().asUtf8String();
            assertNull(response.functionError(), body);
            assertTrue(body.contains("\"probabilities\""), body);
            assertTrue(body.contains("\"label\""), body);
            assertEquals("1", response.executedVersion());
        }
    }
}
