package dev.skiff.emulator.invokeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.S3MockApplication;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeResponse;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * UpdateFunctionCode with S3Bucket/S3Key, read through the S3 endpoint the emulator was started
 * with (an in-process S3Mock), and Lambda's answers when the object or the endpoint is missing.
 */
class UpdateCodeFromS3Test {
    static final String BUCKET = "skiff-artifacts";

    @TempDir
    static Path directory;

    static S3MockApplication s3Mock;
    static S3Client s3;
    static Emulator withS3;
    static Emulator withoutS3;

    @BeforeAll
    static void start() throws Exception {
        s3Mock = S3MockApplication.start(new HashMap<>(Map.of( // start() adds to the map
                S3MockApplication.PROP_HTTP_PORT,
                S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_HTTPS_PORT,
                S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_INITIAL_BUCKETS,
                BUCKET,
                S3MockApplication.PROP_ROOT_DIRECTORY,
                directory.resolve("s3").toString(),
                S3MockApplication.PROP_SILENT,
                true,
                "spring.main.banner-mode",
                "off",
                "logging.level.root",
                "WARN")));
        URI endpoint = URI.create("http://127.0.0.1:" + s3Mock.getHttpPort());
        s3 = S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        Path template = Templates.scorer(directory);
        Emulator.Options options =
                Emulator.Options.defaults(template).withPorts(-1, 0).withLog(new CollectingLog());
        withS3 = Emulator.start(options.withS3Endpoint(endpoint));
        withoutS3 = Emulator.start(options);
    }

    @AfterAll
    static void stop() {
        if (withS3 != null) withS3.close();
        if (withoutS3 != null) withoutS3.close();
        if (s3 != null) s3.close();
        if (s3Mock != null) s3Mock.stop();
    }

    @Test
    void aPackageInS3BecomesLatestsCodeAndAPublishedVersion() throws Exception {
        byte[] zip = VersionSnapshotTest.zip(TestFunctionPackage.javaPackage(directory.resolve("two"), "two"), 0);
        s3.putObject(b -> b.bucket(BUCKET).key("skiff/scorer/two.zip"), RequestBody.fromBytes(zip));
        try (LambdaClient lambda = LocalLambdaClient.of(withS3)) {
            UpdateFunctionCodeResponse updated = lambda.updateFunctionCode(b -> b.functionName("Scorer")
                    .s3Bucket(BUCKET)
                    .s3Key("skiff/scorer/two.zip")
                    .publish(true));
            assertEquals(
                    Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("SHA-256").digest(zip)),
                    updated.codeSha256());
            assertEquals(zip.length, updated.codeSize());
            assertEquals("2", updated.version(), "Publish makes version 2");
            assertEquals("two", marker(lambda, "2"));
            assertEquals("one", marker(lambda, "1"));
        }
    }

    @Test
    void aMissingObjectGetsLambdasGetObjectError() {
        try (LambdaClient lambda = LocalLambdaClient.of(withS3)) {
            InvalidParameterValueException e = assertThrows(
                    InvalidParameterValueException.class,
                    () -> lambda.updateFunctionCode(
                            b -> b.functionName("Scorer").s3Bucket(BUCKET).s3Key("no/such.zip")));
            assertTrue(
                    e.getMessage().startsWith("Error occurred while GetObject. S3 Error Code: NoSuchKey."),
                    e.getMessage());
        }
    }

    @Test
    void withoutAnS3EndpointTheRefusalSaysHowToGiveOne() {
        try (LambdaClient lambda = LocalLambdaClient.of(withoutS3)) {
            InvalidParameterValueException e = assertThrows(
                    InvalidParameterValueException.class,
                    () -> lambda.updateFunctionCode(
                            b -> b.functionName("Scorer").s3Bucket(BUCKET).s3Key("skiff/scorer/two.zip")));
            assertTrue(e.getMessage().contains("s3://" + BUCKET + "/skiff/scorer/two.zip"), e.getMessage());
            assertTrue(e.getMessage().contains("--s3-endpoint"), e.getMessage());
        }
    }

    static String marker(LambdaClient lambda, String qualifier) throws Exception {
        byte[] payload = lambda.invoke(
                        b -> b.functionName("Scorer").qualifier(qualifier).payload(SdkBytes.fromUtf8String("{}")))
                .payload()
                .asByteArray();
        return new ObjectMapper().readTree(payload).path("marker").asText();
    }
}
