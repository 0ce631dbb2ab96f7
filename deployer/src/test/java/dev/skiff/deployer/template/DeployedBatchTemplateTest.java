package dev.skiff.deployer.template;

import static dev.skiff.deployer.template.ParsedTemplate.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.deploy.StackTemplate;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.deployer.plan.BatchPlan;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** skiff deploy renders a batch state machine for each model whose package.json carries the plan's batching. */
class DeployedBatchTemplateTest {
    static PackagedModel packaged(Path dir, String name, BatchPlan batch) {
        return packaged(dir, name, batch, null);
    }

    /** A Lambda model as package.json records it, with the plan's batching and its config's capture. */
    static PackagedModel packaged(Path dir, String name, BatchPlan batch, ModelConfig.Capture capture) {
        return new PackagedModel(
                name,
                Target.LAMBDA,
                "zip",
                "arm64",
                dir.resolve(name).resolve("function.zip"),
                "ab".repeat(32),
                1000,
                500,
                512,
                List.of("1"),
                10,
                50,
                batch,
                capture);
    }

    @Test
    void theBatchEnabledModelGetsItsStateMachineWithThePlansLimits(@TempDir Path dir) throws Exception {
        new PackageManifest(
                        "arm64",
                        List.of(packaged(dir, "fraud", new BatchPlan(512, 200_000, 50)), packaged(dir, "plain", null)))
                .write(dir);
        PackageManifest read = PackageManifest.read(dir);
        assertEquals(new BatchPlan(512, 200_000, 50), read.models().get(0).batch(), "package.json keeps the plan's");
        assertNull(read.models().get(1).batch());

        ParsedTemplate template = ParsedTemplate.parse(
                "deployed", StackTemplate.render(read, m -> "s3://artifacts/" + m.name() + ".zip"));
        assertTrue(template.resources().containsKey("BatchBucket"));
        assertFalse(template.resources().containsKey("PlainBatchStateMachine"), "plain takes no batch jobs");
        Map<String, Object> states =
                map(map(template.properties("FraudBatchStateMachine").get("Definition"))
                        .get("States"));
        for (String state : List.of("ScoreCsv", "ScoreJsonl")) {
            Map<String, Object> map = map(states.get(state));
            assertEquals(50, map.get("MaxConcurrency"), state);
            assertEquals(200_000, map(map.get("ItemBatcher")).get("MaxInputBytesPerBatch"), state);
        }
        assertEquals(
                "512",
                map(map(template.root().get("Outputs")).get("FraudBatchMaxItemsPerBatch"))
                        .get("Value"),
                "skiff batch --stack sends the plan's items per batch");
    }

    @Test
    void withTheDefaultPlanTheDeployersMachineIsSamTemplatesMachine(@TempDir Path dir) throws Exception {
        PackageManifest manifest = new PackageManifest("arm64", List.of(packaged(dir, "fraud", BatchPlan.defaults())));
        ParsedTemplate deployed = ParsedTemplate.parse("deployed", StackTemplate.render(manifest, m -> "s3://a/b.zip"));
        ParsedTemplate sam = ParsedTemplate.parse("sam", Files.readString(SamApplicationTemplateTest.SAM_TEMPLATE));
        for (String id : List.of("FraudBatchStateMachine", "FraudBatchRole", "BatchBucket")) {
            assertEquals(sam.resources().get(id), deployed.resources().get(id), id);
        }
        for (String output : List.of("FraudBatchMaxItemsPerBatch", "FraudBatchStateMachineArn", "BatchBucketName")) {
            assertEquals(
                    map(sam.root().get("Outputs")).get(output),
                    map(deployed.root().get("Outputs")).get(output),
                    output);
        }
    }
}
