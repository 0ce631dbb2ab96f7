package dev.skiff.deployer.template;

import static dev.skiff.deployer.template.ParsedTemplate.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.deploy.StackTemplate;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.runtime.contract.Target;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.nodes.MappingNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The renderer's choices that the schema and property tests do not show on their own. */
class TemplateRendererTest {

    @Test
    void aPackageWithAGpuPoolModelRendersThePoolAlwaysOnAndNeedsItsImage() {
        PackagedModel fraud = new PackagedModel(
                "fraud",
                Target.LAMBDA,
                "zip",
                "arm64",
                Path.of("fraud/function.zip"),
                "ab",
                1,
                1,
                512,
                List.of("1"),
                4,
                50);
        PackagedModel llm = new PackagedModel(
                "llm",
                Target.GPU_POOL,
                "pool-image",
                "x86_64",
                Path.of("gpu-pool"),
                null,
                1,
                0,
                null,
                List.of("1", "2"),
                null,
                null);
        PackageManifest manifest = new PackageManifest("arm64", List.of(fraud, llm));
        ParsedTemplate template = ParsedTemplate.parse(
                "package", StackTemplate.render(manifest, m -> "s3://bucket/" + m.name() + ".zip"));

        Map<String, Object> function = template.properties("FraudFunction");
        assertEquals("s3://bucket/fraud.zip", function.get("CodeUri"));
        assertEquals(10, function.get("Timeout"), "the plan's 4 s, raised to the 10 s every function gets at least");
        assertTrue(template.resources().containsKey("FraudCanaryAlias"), "every Lambda model gets its canary alias");
        assertEquals(50, template.properties("FraudLatencyAlarm").get("Threshold"));
        assertFalse(template.resources().containsKey("LlmFunction"));
        assertEquals(
                Map.of("Fn::Equals", List.of("gpu-pool", "gpu-pool")),
                map(template.root().get("Conditions")).get("GpuPoolEnabled"),
                "a model that runs only on the pool keeps the pool on");
        assertEquals(
                "gpu-pool/models",
                map(map(template.resources().get("GpuPoolTaskDefinition")).get("Metadata"))
                        .get("SkiffLocalModelRepository"),
                "where package put the pool's models, beside template.yaml");
        assertEquals(
                "http_proxy",
                map(map(map(template.apiBody().get("components")).get("x-amazon-apigateway-integrations"))
                                .get("Llm"))
                        .get("type"));

        assertEquals(List.of("GpuImageRepository"), StackTemplate.requiredParameters(manifest));
        UserError missing = assertThrows(UserError.class, () -> StackTemplate.checkParameters(manifest, Map.of()));
        assertTrue(missing.getMessage().contains("GpuImageRepository"), missing.getMessage());
        StackTemplate.checkParameters(manifest, Map.of("GpuImageRepository", "skiff-gpu-pool"));
    }

    @Test
    void moreThanTenSwitchableModelsNestTheirConditions() {
        Object condition = map(ParsedTemplate.parse("many", Renderings.manyEither(12))
                        .root()
                        .get("Conditions"))
                .get("GpuPoolEnabled");
        // Fn::Or takes at most ten: [Or(m1..m10), Or(m11, m12)]
        List<?> groups = ParsedTemplate.list(map(condition).get("Fn::Or"));
        assertEquals(2, groups.size());
        assertEquals(10, ParsedTemplate.list(map(groups.get(0)).get("Fn::Or")).size());
        assertEquals(
                Map.of("Fn::Or", List.of(Map.of("Condition", "M11OnGpuPool"), Map.of("Condition", "M12OnGpuPool"))),
                groups.get(1));
    }

    @Test
    void namesThatCollideInTheTemplateAreRefused() {
        TemplateModel.LambdaFunction function = Renderings.function("x");
        UserError models = assertThrows(
                UserError.class,
                () -> TemplateRenderer.render(
                        List.of(
                                TemplateModel.onLambda("text-embed", List.of("1"), function),
                                TemplateModel.onLambda("text_embed", List.of("1"), function)),
                        new StackOptions("arm64", "m")));
        assertTrue(models.getMessage().contains("TextEmbed"), models.getMessage());
        UserError alias = assertThrows(
                UserError.class,
                () -> TemplateRenderer.render(
                        List.of(
                                TemplateModel.onLambda(
                                        "fraud",
                                        List.of("1"),
                                        new TemplateModel.LambdaFunction("x", 512, 3, 50, List.of("canary"))),
                                TemplateModel.onLambda("fraud-canary", List.of("1"), function)),
                        new StackOptions("arm64", "m")));
        assertTrue(alias.getMessage().contains("FraudCanary"), alias.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new TemplateModel.LambdaFunction("x", 512, 3, 50, List.of("live")));
    }

    @Test
    void anUnfilledPlaceholderFailsLoudly() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> TemplateFragments.fill("alarms.yaml", Map.of()));
        assertTrue(e.getMessage().contains("(("), e.getMessage());
        assertEquals("fragment alarms.yaml needs ((logicalId))", e.getMessage());
        Map<String, String> poolValues = Map.of("poolModels", "m", "localModels", "m");
        IllegalStateException node =
                assertThrows(IllegalStateException.class, () -> TemplateFragments.fill("gpu-pool.yaml", poolValues));
        assertEquals(
                "fragment gpu-pool.yaml needs ((poolCondition))",
                node.getMessage(),
                "a YAML value is a placeholder too");
    }

    @Test
    void aValueFillsItsScalarAndNeverChangesTheDocumentsStructure() {
        // in a flow mapping, text substitution made "m1,m2" two keys: the pool served m1 alone
        ParsedTemplate many = ParsedTemplate.parse("many", Renderings.manyEither(3));
        Map<String, Object> task = many.properties("GpuPoolTaskDefinition");
        Object environment = map(ParsedTemplate.list(task.get("ContainerDefinitions"))
                        .getFirst())
                .get("Environment");
        assertEquals(
                Map.of("Name", "SKIFF_MODELS", "Value", "m1,m2,m3"),
                ParsedTemplate.list(environment).getFirst());

        String codeUri = "s3://bucket/a: b # not a comment/{x}.zip";
        TemplateModel fraud = TemplateModel.onLambda(
                "fraud", List.of("1"), new TemplateModel.LambdaFunction(codeUri, 512, 3, 50, List.of()));
        String rendered = TemplateRenderer.render(List.of(fraud), new StackOptions("arm64", "m"));
        ParsedTemplate odd = ParsedTemplate.parse("odd", rendered);
        assertEquals(codeUri, odd.properties("FraudFunction").get("CodeUri"));
        assertEquals(512, odd.properties("FraudFunction").get("MemorySize"), "a number stays a number");
    }

    @Test
    void aModelOnEitherTargetHasItsLambdaResourcesOnlyOnLambdaAndTheContractsTargetNames() {
        ParsedTemplate template = ParsedTemplate.parse("sam", ExampleStack.render());
        template.resources().forEach((id, resource) -> {
            Object condition = map(resource).get("Condition");
            // its batch machine serves either target; its invoker of the pool's batch route exists on the pool only
            if (id.startsWith("MinilmBatchInvoker") || id.equals("MinilmLoadBalancerFromBatchInvoker")) {
                assertEquals("MinilmOnGpuPool", condition, id);
            } else if (id.equals("MinilmBatchRole") || id.equals("MinilmBatchStateMachine")) {
                assertEquals(null, condition, id);
            } else if (id.startsWith("Minilm")) {
                assertEquals("MinilmOnLambda", condition, id);
            }
            if (id.startsWith("Fraud")) assertEquals(null, condition, id + " runs on Lambda only, always there");
        });
        Map<String, Object> outputs = map(template.root().get("Outputs"));
        assertEquals("MinilmOnLambda", map(outputs.get("MinilmLiveAlias")).get("Condition"));
        Map<String, Object> target = template.parameter("MinilmTarget");
        List<String> targets =
                java.util.Arrays.stream(Target.values()).map(Target::wireName).toList();
        assertEquals(targets, target.get("AllowedValues"));
        assertEquals(Target.LAMBDA.wireName(), target.get("Default"), "the plan's choice");
        ParsedTemplate many = ParsedTemplate.parse("many", Renderings.manyEither(2));
        assertEquals(Target.GPU_POOL.wireName(), many.parameter("M2Target").get("Default"));
    }

    @Test
    void fragmentsThatDefineTheSameThingTwiceClash() {
        MappingNode stack = (MappingNode) TemplateYaml.parse("Resources:\n  A: {Type: X}\n", "stack");
        TemplateYaml.merge(stack, (MappingNode) TemplateYaml.parse("Resources:\n  B: {Type: Y}\n", "b"), "stack");
        MappingNode resources = TemplateYaml.mappingAt(stack, List.of("Resources"));
        assertEquals(
                List.of("A", "B"),
                resources.getValue().stream().map(TemplateYaml::key).toList());
        IllegalStateException clash = assertThrows(
                IllegalStateException.class,
                () -> TemplateYaml.merge(
                        stack, (MappingNode) TemplateYaml.parse("Resources:\n  A: {Type: Z}\n", "a again"), "stack"));
        assertEquals("stack.Resources.A.Type is defined twice", clash.getMessage());
    }
}
