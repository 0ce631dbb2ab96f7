package dev.skiff.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.deployer.cli.SkiffCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * skiff package, then skiff deploy, end to end against LocalStack's S3 and CloudFormation (with the
 * SAM transform). Needs a Docker engine: where there is none (as on the development machines) JUnit
 * reports it skipped, "disabledWithoutDocker".
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackDeployTest {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(
                    DockerImageName.parse("localstack/localstack:3.8"))
            .withServices(
                    LocalStackContainer.Service.S3,
                    LocalStackContainer.Service.CLOUDFORMATION,
                    LocalStackContainer.Service.LAMBDA,
                    LocalStackContainer.Service.IAM);

    @TempDir
    Path packageDir;

    @Test
    void deployCreatesTheStackThroughAChangeSet() {
        System.setProperty("aws.accessKeyId", LOCALSTACK.getAccessKey());
        System.setProperty("aws.secretAccessKey", LOCALSTACK.getSecretKey());
        Path fraud = Path.of(System.getProperty("skiff.examples.models", "../examples/models"))
                .resolve("fraud");
        assertEquals(
                0,
                skiff(
                        "package",
                        fraud.toString(),
                        "--arch",
                        "x86_64",
                        "--runs",
                        "3",
                        "--warmup",
                        "1",
                        "--out",
                        packageDir.toString()));

        assertEquals(
                0,
                skiff(
                        "deploy",
                        "--stack",
                        "skiff-it",
                        "--package-dir",
                        packageDir.toString(),
                        "--bucket",
                        "skiff-it-artifacts",
                        "--create-bucket",
                        "--yes",
                        "--poll-seconds",
                        "1",
                        "--endpoint-url",
                        LOCALSTACK.getEndpoint().toString(),
                        "--region",
                        LOCALSTACK.getRegion()));
        try (CloudFormationClient cloudFormation = CloudFormationClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build()) {
            assertEquals(
                    StackStatus.CREATE_COMPLETE,
                    cloudFormation
                            .describeStacks(b -> b.stackName("skiff-it"))
                            .stacks()
                            .getFirst()
                            .stackStatus());
        }
        // a second deploy of the same package changes nothing
        assertEquals(
                0,
                skiff(
                        "deploy",
                        "--stack",
                        "skiff-it",
                        "--package-dir",
                        packageDir.toString(),
                        "--bucket",
                        "skiff-it-artifacts",
                        "--yes",
                        "--poll-seconds",
                        "1",
                        "--endpoint-url",
                        LOCALSTACK.getEndpoint().toString(),
                        "--region",
                        LOCALSTACK.getRegion()));
    }

    /** Runs skiff in this JVM; its output goes to the test's log, for a failing exit code to explain itself. */
    private static int skiff(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SkiffCli.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        System.out.println("skiff " + String.join(" ", args) + " -> " + code + "\n" + out + err);
        return code;
    }
}
