package dev.skiff.deployer.template;

import static dev.skiff.deployer.template.ParsedTemplate.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.deploy.StackTemplate;
import dev.skiff.deployer.packaging.Architecture;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.deployer.plan.BatchPlan;
import dev.skiff.deployer.testing.Examples;
import dev.skiff.deployer.testing.FraudPackages;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipFile;

/**
 * skiff deploy renders a capturing model's capture pipeline and drift check from what package.json
 * says of its capture: the same resources, parameters and outputs as sam/template.yaml's; a model
 * that captures nothing gets none of them.
 */
class DeployedDriftTemplateTest {
    static PackagedModel packaged(Path dir, String name, ModelConfig.Capture capture) {
        return DeployedBatchTemplateTest.packaged(dir, name, BatchPlan.defaults(), capture);
    }

    static ModelConfig.Capture exampleCapture(String model) {
        return ModelConfig.read(Examples.models().resolve(model)).capture();
    }

    static ParsedTemplate deployed(PackageManifest manifest) {
        return ParsedTemplate.parse(
                "deployed",
                StackTemplate.render(
                        manifest, m -> "s3://a/b.zip", ExampleStack.DRIFT_CODE_URI, StackTemplate.DEFAULT_RUNTIME));
    }

    @Test
    void packageJsonCarriesTheConfigsCaptureAndOnlyForAModelThatCaptures(@TempDir Path dir) throws Exception {
        ModelConfig.Capture some = new ModelConfig.Capture(5, ModelConfig.CaptureData.INPUTS, List.of("features"));
        new PackageManifest(
                        "arm64",
                        List.of(
                                packaged(dir, "fraud", some),
                                packaged(dir, "plain", null),
                                packaged(dir, "off", ModelConfig.Capture.OFF)))
                .write(dir);
        PackageManifest read = PackageManifest.read(dir);
        assertEquals(some, read.models().get(0).capture());
        assertNull(read.models().get(1).capture());
        assertNull(read.models().get(2).capture(), "sampling 0 % captures nothing");
        assertTrue(read.anyCaptures());
    }

    @Test
    void aBadCaptureSectionInPackageJsonIsAUserErrorNotCaptureOff(@TempDir Path dir) throws Exception {
        ModelConfig.Capture some = new ModelConfig.Capture(5, ModelConfig.CaptureData.INPUTS, List.of("features"));
        new PackageManifest("arm64", List.of(packaged(dir, "fraud", some))).write(dir);
        Path file = dir.resolve("package.json");
        String written = java.nio.file.Files.readString(file);
        assertTrue(written.contains("\"samplingPercent\" : 5"), written);
        for (String[] bad : new String[][] {
            {"\"samplingPercent\" : 5", "\"samplingPercent\" : \"five\"", "\"samplingPercent\" must be a whole number"},
            {"\"samplingPercent\" : 5,", "", "\"samplingPercent\" must be a whole number, not missing"},
            {"\"data\" : \"inputs\"", "\"data\" : 3", "\"data\" must be one of [inputs, outputs, both], not 3"}
        }) {
            java.nio.file.Files.writeString(file, written.replace(bad[0], bad[1]));
            dev.skiff.deployer.cli.UserError error = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.skiff.deployer.cli.UserError.class, () -> PackageManifest.read(dir), bad[1]);
            assertTrue(error.getMessage().contains("model 'fraud': \"capture\": " + bad[2]), error.getMessage());
        }
    }

    @Test
    void skiffPackageRecordsFraudsCaptureAndZipsTheDriftFunction() throws Exception {
        PackageManifest manifest = FraudPackages.of(Architecture.ARM64);
        PackagedModel fraud = manifest.models().getFirst();
        assertEquals(exampleCapture("fraud"), fraud.capture(), "the config's capture section");
        assertTrue(fraud.capture().on());
        Path zip = fraud.artifact().getParent().getParent().resolve("drift-function/function.zip");
        TreeSet<String> entries = new TreeSet<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            file.stream().forEach(e -> entries.add(e.getName()));
        }
        assertTrue(entries.stream().anyMatch(e -> e.matches("lib/monitoring-.*\\.jar")), entries.toString());
        assertTrue(entries.stream().anyMatch(e -> e.matches("lib/datasketches-java-.*\\.jar")), entries.toString());
        assertTrue(entries.stream().noneMatch(e -> e.contains("onnxruntime")), "the drift function runs no model");
    }

    @Test
    void theDeployersCaptureAndDriftResourcesAreSamTemplates(@TempDir Path dir) throws Exception {
        ParsedTemplate sam = ParsedTemplate.parse("sam", Files.readString(SamApplicationTemplateTest.SAM_TEMPLATE));
        for (String model : List.of("fraud", "minilm")) {
            ModelConfig.Capture capture = exampleCapture(model);
            ParsedTemplate capturing = deployed(new PackageManifest("arm64", List.of(packaged(dir, model, capture))));
            ParsedTemplate plain = deployed(new PackageManifest("arm64", List.of(packaged(dir, model, null))));
            List<String> added = added(capturing, plain, "Resources");
            if (!capture.on()) {
                assertEquals(List.of(), added, model + " captures nothing in its config");
                continue;
            }
            String id = TemplateModel.logicalId(model);
            assertEquals(
                    new TreeSet<>(List.of(
                            id + "CaptureSubscription",
                            id + "CaptureSubscriptionRole",
                            id + "CaptureStream",
                            id + "CaptureDeliveryRole",
                            id + "DriftLogGroup",
                            id + "DriftRole",
                            id + "DriftFunction",
                            id + "DriftScheduleRole",
                            id + "DriftSchedule",
                            id + "DriftAlarm",
                            "MonitoringBucket")),
                    new TreeSet<>(added),
                    model + ": the capture pipeline and the drift check");
            for (String section : List.of("Resources", "Parameters", "Outputs")) {
                for (String name : added(capturing, plain, section)) {
                    assertEquals(
                            map(sam.root().get(section)).get(name),
                            map(capturing.root().get(section)).get(name),
                            model + ": " + section + "." + name + " as sam/template.yaml has it");
                }
            }
            assertEquals(
                    List.of("CaptureRetentionDays", "DriftSchedule", "DriftWindow", "DriftAlarmShare"),
                    added(capturing, plain, "Parameters"));
            assertEquals(
                    new TreeSet<>(List.of(id + "DriftReports", "MonitoringBucketName")),
                    new TreeSet<>(added(capturing, plain, "Outputs")));
        }
    }

    @Test
    void aModelWithoutCaptureGetsNoMonitoringAtAll(@TempDir Path dir) {
        ParsedTemplate plain = deployed(new PackageManifest("arm64", List.of(packaged(dir, "plain", null))));
        for (String section : List.of("Resources", "Parameters", "Outputs")) {
            for (String name : map(plain.root().get(section)).keySet()) {
                assertTrue(
                        !name.contains("Capture") && !name.contains("Drift") && !name.contains("Monitoring"),
                        section + "." + name);
            }
        }
    }

    @Test
    void aCapturingPoolModelGetsItsDriftCheckAndThePoolsOneCaptureStream(@TempDir Path dir) {
        PackagedModel llm = new PackagedModel(
                "llm",
                Target.GPU_POOL,
                "pool-image",
                "x86_64",
                dir.resolve("gpu-pool"),
                null,
                1000,
                0,
                null,
                List.of("1"),
                null,
                null,
                null,
                exampleCapture("fraud"));
        ParsedTemplate deployed = deployed(new PackageManifest("arm64", List.of(llm)));
        assertTrue(
                deployed.resources()
                        .keySet()
                        .containsAll(List.of(
                                "LlmDriftFunction",
                                "LlmDriftSchedule",
                                "LlmDriftAlarm",
                                "GpuPoolCaptureSubscription",
                                "GpuPoolCaptureStream",
                                "MonitoringBucket")),
                deployed.resources().keySet().toString());
        assertNull(deployed.resources().get("LlmCaptureStream"), "no function, so no log group of its own");
    }

    /** The entries of a section that the capturing rendering has and the plain one does not, in order. */
    private static List<String> added(ParsedTemplate capturing, ParsedTemplate plain, String section) {
        Map<String, Object> without = map(plain.root().get(section));
        List<String> added = new ArrayList<>();
        for (String name : map(capturing.root().get(section)).keySet()) {
            if (without == null || !without.containsKey(name)) added.add(name);
        }
        return added;
    }
}
