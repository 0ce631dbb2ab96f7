package dev.skiff.deployer.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.deploy.StackTemplate;
import dev.skiff.deployer.packaging.Architecture;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.testing.FraudPackages;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code skiff deploy} renders for the fraud example, planned and packaged as {@code skiff
 * package} does, against sam/template.yaml: every fraud resource the deploy renders is in
 * sam/template.yaml, node for node ({@link YamlTrees}), but for what only a deploy knows.
 */
class DeployedTemplateTest {
    @Test
    void theFraudResourcesSkiffDeployRendersAreSamTemplates() throws Exception {
        PackageManifest fraud = FraudPackages.of(Architecture.ARM64);
        String deployed = StackTemplate.render(
                        fraud, m -> ExampleStack.CODE_URI, ExampleStack.DRIFT_CODE_URI, StackTemplate.DEFAULT_RUNTIME)
                // the deploy's version key: a hash over the zip, runtime, architecture, memory and timeout
                .replaceAll("\n *AutoPublishCodeSha256: [0-9a-f]{64}\n", "\n")
                // this package holds fraud alone; sam/template.yaml's stack serves minilm too
                .replace("SKIFF_STACK_MODELS: fraud\n", "SKIFF_STACK_MODELS: fraud,minilm\n");
        MappingNode deployedResources = resources(TemplateYaml.parse(deployed, "deploy"));
        MappingNode samResources = resources(
                TemplateYaml.parse(Files.readString(SamApplicationTemplateTest.SAM_TEMPLATE), "sam/template.yaml"));

        List<String> compared = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        for (NodeTuple resource : deployedResources.getValue()) {
            String id = TemplateYaml.key(resource);
            if (!id.startsWith("Fraud")) continue;
            Node sam = value(samResources, id);
            if (sam == null) {
                differences.add(id + ": rendered by skiff deploy, not in sam/template.yaml");
                continue;
            }
            compared.add(id);
            differences.addAll(YamlTrees.differences("$.Resources." + id, sam, resource.getValueNode()));
        }
        assertEquals(List.of(), differences, "skiff deploy renders the fraud resources otherwise");
        assertTrue(
                compared.containsAll(List.of("FraudFunction", "FraudCanaryAlias", "FraudLatencyAlarm")),
                "compared " + compared);
    }

    private static MappingNode resources(Node template) {
        return (MappingNode) value((MappingNode) template, "Resources");
    }

    private static Node value(MappingNode mapping, String key) {
        for (NodeTuple entry : mapping.getValue()) if (TemplateYaml.key(entry).equals(key)) return entry.getValueNode();
        return null;
    }
}
