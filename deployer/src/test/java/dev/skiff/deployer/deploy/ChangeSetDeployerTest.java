package dev.skiff.deployer.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.packaging.Architecture;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.testing.FraudPackages;
import dev.skiff.emulator.template.CloudFormationYaml;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The change-set requests deploy sends, checked against the template it rendered; and how it follows the outcome. */
class ChangeSetDeployerTest {
    final FakeCloudFormation cloudFormation = new FakeCloudFormation();
    final StringWriter output = new StringWriter();
    final ChangeSetDeployer deployer = new ChangeSetDeployer(
            cloudFormation, new PrintWriter(output, true), Duration.ofMillis(1), Duration.ofSeconds(30));

    static String renderedTemplate() {
        PackageManifest manifest = FraudPackages.of(Architecture.ARM64);
        return StackTemplate.render(
                manifest,
                m -> "s3://skiff-artifacts/skiff/demo/" + m.name() + "/" + m.sha256() + ".zip",
                "s3://skiff-artifacts/skiff/demo/drift-function/0.zip",
                StackTemplate.DEFAULT_RUNTIME);
    }

    static DeployRequest request(String template) {
        return new DeployRequest("demo", template, null, Map.of("Runtime", "java21"));
    }

    @Test
    void aNewStackGetsACreateChangeSetCarryingTheRenderedTemplate() {
        String template = renderedTemplate();
        assertEquals(DeployOutcome.DEPLOYED, deployer.deploy(request(template), () -> true));

        CreateChangeSetRequest sent = cloudFormation.created.getFirst();
        assertEquals("demo", sent.stackName());
        assertEquals(ChangeSetType.CREATE, sent.changeSetType());
        assertEquals(template, sent.templateBody(), "the change set carries exactly the rendered template");
        assertTrue(
                sent.capabilities().containsAll(List.of(Capability.CAPABILITY_IAM, Capability.CAPABILITY_AUTO_EXPAND)),
                "SAM's transform needs CAPABILITY_AUTO_EXPAND, its roles CAPABILITY_IAM");
        assertEquals(
                List.of(Parameter.builder()
                        .parameterKey("Runtime")
                        .parameterValue("java21")
                        .build()),
                sent.parameters());
        assertEquals(List.of(sent.changeSetName()), cloudFormation.executed);
        String out = output.toString();
        assertTrue(out.contains("FraudFunction") && out.contains("AWS::Lambda::Function"), out);
        assertTrue(out.contains("CREATE_COMPLETE"), out);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTemplateInTheRequestShipsTheZipFromS3WithThePlannedSettings() {
        PackageManifest manifest = FraudPackages.of(Architecture.ARM64);
        deployer.deploy(request(renderedTemplate()), () -> true);
        String body = cloudFormation.created.getFirst().templateBody();
        Map<String, Object> root = (Map<String, Object>) CloudFormationYaml.parse(body, "request");
        assertEquals("AWS::Serverless-2016-10-31", root.get("Transform"));
        Map<String, Object> resources = (Map<String, Object>) root.get("Resources");
        Map<String, Object> function =
                (Map<String, Object>) ((Map<String, Object>) resources.get("FraudFunction")).get("Properties");
        String sha = manifest.models().getFirst().sha256();
        assertEquals("s3://skiff-artifacts/skiff/demo/fraud/" + sha + ".zip", function.get("CodeUri"));
        assertEquals(512, ((Number) function.get("MemorySize")).intValue());
        assertEquals(List.of(Map.of("Ref", "Architecture")), function.get("Architectures"));
        Map<String, Object> architecture =
                (Map<String, Object>) ((Map<String, Object>) root.get("Parameters")).get("Architecture");
        assertEquals("arm64", architecture.get("Default"), "the package's architecture");
        assertEquals(
                Math.max(
                        StackTemplate.MIN_TIMEOUT_SECONDS,
                        manifest.models().getFirst().timeoutSeconds()),
                function.get("Timeout"),
                "the plan's timeout, at least the floor every function gets");
        assertEquals("live", function.get("AutoPublishAlias"));
        assertEquals(Map.of("ApplyOn", "PublishedVersions"), function.get("SnapStart"));
        Map<String, Object> env =
                (Map<String, Object>) ((Map<String, Object>) function.get("Environment")).get("Variables");
        assertEquals("fraud", env.get("SKIFF_MODELS"));
        Map<String, Object> auth = (Map<String, Object>) ((Map<String, Object>) root.get("Parameters")).get("AuthType");
        assertEquals("AWS_IAM", auth.get("Default"));
    }

    @Test
    void anExistingStackGetsAnUpdateChangeSet() {
        cloudFormation.existing = StackStatus.CREATE_COMPLETE;
        cloudFormation.outcome = StackStatus.UPDATE_COMPLETE;
        assertEquals(DeployOutcome.DEPLOYED, deployer.deploy(request(renderedTemplate()), () -> true));
        assertEquals(ChangeSetType.UPDATE, cloudFormation.created.getFirst().changeSetType());
    }

    @Test
    void aFailedStackPrintsEachFailedResourceAndWhy() {
        cloudFormation.outcome = StackStatus.ROLLBACK_COMPLETE;
        cloudFormation.failedResource = "FraudFunction";
        cloudFormation.failureReason =
                "Resource handler returned message: \"Code uncompressed size is greater than max allowed size\"";
        assertEquals(DeployOutcome.FAILED, deployer.deploy(request(renderedTemplate()), () -> true));
        String out = output.toString();
        assertTrue(out.contains("Failed resources:"), out);
        assertTrue(out.contains("FraudFunction (AWS::Lambda::Function): Resource handler returned message"), out);
        assertTrue(out.contains("failed: ROLLBACK_COMPLETE"), out);
    }

    @Test
    void aStackLeftInRollbackCompleteMustBeDeletedFirst() {
        cloudFormation.existing = StackStatus.ROLLBACK_COMPLETE;
        UserError error = assertThrows(UserError.class, () -> deployer.deploy(request(renderedTemplate()), () -> true));
        assertTrue(
                error.getMessage().contains("aws cloudformation delete-stack --stack-name demo"), error.getMessage());
        assertTrue(cloudFormation.created.isEmpty());
    }

    @Test
    void declinedChangeSetsAreDeletedAndNeverExecuted() {
        assertEquals(DeployOutcome.DECLINED, deployer.deploy(request(renderedTemplate()), () -> false));
        assertTrue(cloudFormation.executed.isEmpty());
        assertEquals(List.of(cloudFormation.created.getFirst().changeSetName()), cloudFormation.deleted);
    }

    @Test
    void aChangeSetWithoutChangesLeavesTheStackAlone() {
        cloudFormation.existing = StackStatus.UPDATE_COMPLETE;
        cloudFormation.changeSetFailure =
                "The submitted information didn't contain changes. Submit different information to create a change set.";
        assertEquals(DeployOutcome.NO_CHANGES, deployer.deploy(request(renderedTemplate()), () -> true));
        assertTrue(cloudFormation.executed.isEmpty());
    }

    @Test
    void parametersTheNextDeployDoesNotGiveKeepTheFirstDeploysValues() {
        String template = renderedTemplate();
        Map<String, String> first = Map.of(
                "Runtime", "java25",
                "AuthType", "JWT",
                "JwtIssuer", "https://issuer.example.com",
                "JwtAudience", "skiff-clients");
        assertEquals(
                DeployOutcome.DEPLOYED, deployer.deploy(new DeployRequest("demo", template, null, first), () -> true));
        assertEquals(first, cloudFormation.parameters);

        Map<String, String> second = Map.of("LogRetentionDays", "7");
        assertEquals(
                DeployOutcome.DEPLOYED, deployer.deploy(new DeployRequest("demo", template, null, second), () -> true));

        CreateChangeSetRequest update = cloudFormation.created.getLast();
        assertEquals(ChangeSetType.UPDATE, update.changeSetType());
        Map<String, String> sent = new java.util.TreeMap<>();
        update.parameters()
                .forEach(p -> sent.put(
                        p.parameterKey(),
                        Boolean.TRUE.equals(p.usePreviousValue()) ? "(previous)" : p.parameterValue()));
        assertEquals(
                Map.of(
                        "AuthType", "(previous)",
                        "JwtAudience", "(previous)",
                        "JwtIssuer", "(previous)",
                        "LogRetentionDays", "7",
                        "Runtime", "(previous)"),
                sent,
                "what the second deploy does not give it keeps, as aws cloudformation deploy does");
        assertEquals("JWT", cloudFormation.parameters.get("AuthType"), "the first deploy's override is still there");
        assertEquals("java25", cloudFormation.parameters.get("Runtime"));
        assertEquals("7", cloudFormation.parameters.get("LogRetentionDays"));
    }

    @Test
    void aPreviousParameterTheTemplateNoLongerDeclaresIsNotSent() {
        cloudFormation.existing = StackStatus.UPDATE_COMPLETE;
        cloudFormation.parameters.put("Runtime", "java21");
        cloudFormation.parameters.put("MinilmTarget", "gpu-pool"); // minilm is no longer in this stack
        deployer.deploy(request(renderedTemplate()), () -> true);
        List<String> sent = cloudFormation.created.getFirst().parameters().stream()
                .map(Parameter::parameterKey)
                .toList();
        assertEquals(List.of("Runtime"), sent, "CloudFormation refuses a parameter the template lacks");
    }

    @Test
    void stackStatusesPrintAsAwsNamesThemEvenWhenTheSdkEnumLacksThem() {
        deployer.deploy(request(renderedTemplate()), () -> true);
        String out = output.toString();
        assertTrue(out.contains("REVIEW_IN_PROGRESS"), out);
        assertTrue(!out.contains(" null "), out);
    }
}
