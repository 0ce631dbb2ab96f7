package dev.skiff.deployer.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.packaging.Architecture;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.testing.FraudPackages;
import dev.skiff.emulator.template.CloudFormationYaml;
import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * A deploy that changes only the runtime publishes a new version: SAM names the version
 * {@code <Function>Version} plus the first 10 characters of AutoPublishCodeSha256 when it is set
 * (samtranslator's LogicalIdGenerator returns {@code data_hash[:10]}), so the version id follows the key.
 */
class VersionKeyTest {

    private static final PackageManifest MANIFEST = FraudPackages.of(Architecture.ARM64);

    /** The logical id SAM gives the version it publishes for the fraud function. */
    @SuppressWarnings("unchecked")
    private static String samVersionId(String runtime) {
        String template = StackTemplate.render(
                MANIFEST, m -> "s3://bucket/" + m.sha256() + ".zip", "s3://bucket/drift.zip", runtime);
        Map<String, Object> root = (Map<String, Object>) CloudFormationYaml.parse(template, "rendered");
        Map<String, Object> function =
                (Map<String, Object>) ((Map<String, Object>) root.get("Resources")).get("FraudFunction");
        String key = String.valueOf(((Map<String, Object>) function.get("Properties")).get("AutoPublishCodeSha256"));
        assertTrue(key.matches("[0-9a-f]{64}"), "a hex key keeps the logical id alphanumeric: " + key);
        return "FraudFunctionVersion" + key.substring(0, 10);
    }

    @Test
    void aRuntimeOnlyChangeGivesANewVersionId() {
        String java21 = samVersionId("java21");
        String java25 = samVersionId("java25");
        assertNotEquals(java21, java25, "java21 " + java21 + " vs java25 " + java25);
        assertEquals(java21, samVersionId("java21"), "the same deploy again publishes nothing");
    }

    @Test
    void theKeyFollowsCodeArchitectureMemoryAndTimeout() {
        var model = MANIFEST.models().getFirst();
        String base = StackTemplate.versionKey(model, "java21", "arm64", 10);
        assertNotEquals(base, StackTemplate.versionKey(model, "java21", "x86_64", 10));
        assertNotEquals(base, StackTemplate.versionKey(model, "java21", "arm64", 11));
        var otherCode = new dev.skiff.deployer.packaging.PackagedModel(
                model.name(),
                model.target(),
                model.packageType(),
                model.architecture(),
                model.artifact(),
                "0".repeat(64),
                model.unzippedBytes(),
                model.zippedBytes(),
                model.memoryMb(),
                model.versions(),
                model.timeoutSeconds(),
                model.latencyAlarmMs());
        assertNotEquals(base, StackTemplate.versionKey(otherCode, "java21", "arm64", 10));
    }
}
