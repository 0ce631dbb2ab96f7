package dev.skiff.emulator.invokeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.support.CollectingLog;
import dev.skiff.emulator.support.LocalLambdaClient;
import dev.skiff.emulator.support.Templates;
import dev.skiff.emulator.support.TestFunctionPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Versions as immutable snapshots, through the AWS SDK for Java v2 alone: UpdateFunctionCode with
 * a .zip, PublishVersion, a weighted alias, Invoke with the qualifier, and the code of a published
 * version untouched by later edits of $LATEST; UpdateFunctionConfiguration, GetFunction with an
 * alias, Concurrency, and Lambda's errors.
 */
class VersionSnapshotTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;

    static Emulator emulator;
    static LambdaClient lambda;
    static CollectingLog log = new CollectingLog();

    @BeforeAll
    static void start() throws Exception {
        Path template = Templates.scorer(
                directory, "MemorySize: 256", "Description: scores things", "ReservedConcurrentExecutions: 3");
        emulator = Emulator.start(
                Emulator.Options.defaults(template).withPorts(-1, 0).withLog(log));
        lambda = LocalLambdaClient.of(emulator);
    }

    @AfterAll
    static void stop() {
        lambda.close();
        emulator.close();
    }

    @Test
    void aPublishedVersionKeepsItsCodeWhileLatestChangesAndAWeightedAliasSplitsBetweenThem() throws Exception {
        assertEquals("one", marker("live"));

        Path second = TestFunctionPackage.javaPackage(directory.resolve("second"), "two");
        byte[] zip = zip(second, 0);
        UpdateFunctionCodeResponse updated =
                lambda.updateFunctionCode(r -> r.functionName("Scorer").zipFile(SdkBytes.fromByteArray(zip)));
        assertEquals(
                Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)),
                updated.codeSha256());
        assertEquals(zip.length, updated.codeSize());
        assertEquals(LastUpdateStatus.SUCCESSFUL, updated.lastUpdateStatus());
        assertEquals("$LATEST", updated.version());

        String functionDescription =
                lambda.getFunctionConfiguration(r -> r.functionName("Scorer")).description();
        PublishVersionResponse two = lambda.publishVersion(r -> r.functionName("Scorer"));
        assertNotEquals("1", two.version());
        assertEquals(
                functionDescription, two.description(), "a version without its own description copies the function's");
        assertEquals(updated.codeSha256(), two.codeSha256());
        assertEquals("two", marker(two.version()));
        assertEquals("one", marker("1"));

        // $LATEST edited again (the template's directory is no longer its code, so through the API)
        Path third = TestFunctionPackage.javaPackage(directory.resolve("third"), "three");
        byte[] thirdZip = zip(third, 0);
        lambda.updateFunctionCode(r -> r.functionName("Scorer").zipFile(SdkBytes.fromByteArray(thirdZip)));
        assertEquals("three", marker("$LATEST"));
        assertEquals("one", marker("1"));
        assertEquals("two", marker(two.version()));
        // and the template's own directory edited in place: version 1 is a snapshot, not a link to it
        Files.writeString(directory.resolve("code/marker.txt"), "edited");
        assertEquals("one", marker("1"));

        lambda.updateAlias(r -> r.functionName("Scorer")
                .name("live")
                .functionVersion("1")
                .routingConfig(AliasRoutingConfiguration.builder()
                        .additionalVersionWeights(Map.of(two.version(), 0.5))
                        .build()));
        Map<String, Integer> markers = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            markers.merge(marker("live"), 1, Integer::sum);
        }
        assertEquals(Map.of("one", markers.get("one"), "two", markers.get("two")), markers, markers.toString());
        assertTrue(markers.get("two") >= 8 && markers.get("two") <= 32, markers.toString());
    }

    @Test
    void aZipOfTwentyMegabytesGoesThroughTheSdkAsBase64() throws Exception {
        Path big = TestFunctionPackage.javaPackage(directory.resolve("big"), "big");
        byte[] zip = zip(big, 20 * 1024 * 1024);
        assertTrue(zip.length > 20 * 1024 * 1024);
        UpdateFunctionCodeResponse updated = lambda.updateFunctionCode(r ->
                r.functionName("Scorer").zipFile(SdkBytes.fromByteArray(zip)).publish(true));
        assertEquals(zip.length, updated.codeSize());
        assertNotEquals("$LATEST", updated.version(), "Publish=true answers the new version");
        assertEquals("big", marker(updated.version()));
    }

    @Test
    void updateFunctionConfigurationChangesLatestAndTheNextVersionOnly() throws Exception {
        GetFunctionConfigurationResponse before = lambda.getFunctionConfiguration(r -> r.functionName("Scorer"));
        UpdateFunctionConfigurationResponse updated = lambda.updateFunctionConfiguration(r -> r.functionName("Scorer")
                .memorySize(512)
                .timeout(7)
                .description("scores better")
                .environment(e -> e.variables(Map.of("GREETING", "configured"))));
        assertEquals(512, updated.memorySize());
        assertEquals(7, updated.timeout());
        assertEquals("scores better", updated.description());
        assertNotEquals(before.revisionId(), updated.revisionId());
        JsonNode latest = invoke("$LATEST");
        assertEquals("512", latest.get("memorySize").asText());
        assertEquals("configured", latest.get("greeting").asText());
        assertEquals("256", invoke("1").get("memorySize").asText(), "version 1 keeps its configuration");

        PreconditionFailedException stale = assertThrows(
                PreconditionFailedException.class,
                () -> lambda.updateFunctionConfiguration(
                        r -> r.functionName("Scorer").timeout(8).revisionId(before.revisionId())));
        assertTrue(stale.getMessage().contains("does not match the latest Revision Id"), stale.getMessage());
        InvalidParameterValueException tooSmall = assertThrows(
                InvalidParameterValueException.class,
                () -> lambda.updateFunctionConfiguration(
                        r -> r.functionName("Scorer").memorySize(64)));
        assertTrue(tooSmall.getMessage().contains("greater than or equal to 128"), tooSmall.getMessage());
    }

    @Test
    void getFunctionWithAnAliasAnswersItsVersionWithTheAliasArnAndTheConcurrency() {
        GetFunctionResponse function =
                lambda.getFunction(r -> r.functionName("Scorer").qualifier("live"));
        assertEquals(
                "arn:aws:lambda:us-east-1:123456789012:function:Scorer:live",
                function.configuration().functionArn());
        assertEquals(
                lambda.getAlias(r -> r.functionName("Scorer").name("live")).functionVersion(),
                function.configuration().version());
        assertEquals(3, function.concurrency().reservedConcurrentExecutions());
        assertEquals(
                3, lambda.getFunctionConcurrency(r -> r.functionName("Scorer")).reservedConcurrentExecutions());
        assertEquals(
                function.configuration().version(),
                lambda.getFunctionConfiguration(r -> r.functionName("Scorer:live"))
                        .version());

        ResourceNotFoundException unknown = assertThrows(
                ResourceNotFoundException.class,
                () -> lambda.getFunctionConfiguration(
                        r -> r.functionName("Scorer").qualifier("nope")));
        assertTrue(
                unknown.getMessage()
                        .startsWith("Function not found: arn:aws:lambda:us-east-1:123456789012:function:Scorer:nope"),
                unknown.getMessage());
        ResourceNotFoundException noFunction =
                assertThrows(ResourceNotFoundException.class, () -> lambda.getFunction(r -> r.functionName("Other")));
        assertTrue(
                noFunction
                        .getMessage()
                        .startsWith("Function not found: arn:aws:lambda:us-east-1:123456789012:function:Other"),
                noFunction.getMessage());
    }

    @Test
    void badCodeAndOversizedEventsGetLambdasErrors() {
        InvalidParameterValueException notZip = assertThrows(
                InvalidParameterValueException.class,
                () -> lambda.updateFunctionCode(
                        r -> r.functionName("Scorer").zipFile(SdkBytes.fromUtf8String("not a zip"))));
        assertTrue(notZip.getMessage().startsWith("Could not unzip uploaded file."), notZip.getMessage());
        InvalidParameterValueException s3 = assertThrows(
                InvalidParameterValueException.class,
                () -> lambda.updateFunctionCode(
                        r -> r.functionName("Scorer").s3Bucket("b").s3Key("k.zip")));
        assertTrue(s3.getMessage().contains("s3://b/k.zip"), s3.getMessage());

        String event = "{\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";
        RequestTooLargeException tooLarge = assertThrows(
                RequestTooLargeException.class,
                () -> lambda.invoke(r -> r.functionName("Scorer")
                        .invocationType(InvocationType.EVENT)
                        .payload(SdkBytes.fromUtf8String(event))));
        assertTrue(
                tooLarge.getMessage()
                        .startsWith(event.length()
                                + " byte payload is too large for the Event invocation type (limit 1048576 bytes)"),
                tooLarge.getMessage());
    }

    private static String marker(String qualifier) throws IOException {
        return invoke(qualifier).get("marker").asText();
    }

    private static JsonNode invoke(String qualifier) throws IOException {
        var response = lambda.invoke(
                r -> r.functionName("Scorer").qualifier(qualifier).payload(SdkBytes.fromUtf8String("{}")));
        assertEquals(null, response.functionError(), response.payload().asUtf8String());
        return JSON.readTree(response.payload().asByteArray());
    }

    /** The directory as a .zip, with {@code padding} incompressible bytes in one more file. */
    static byte[] zip(Path root, int padding) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes);
                Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new ZipEntry(root.relativize(file).toString()));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
            if (padding > 0) {
                byte[] noise = new byte[padding];
                new Random(7).nextBytes(noise);
                zip.putNextEntry(new ZipEntry("padding.bin"));
                zip.write(noise);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
