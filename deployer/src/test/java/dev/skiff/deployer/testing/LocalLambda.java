package dev.skiff.deployer.testing;

import dev.skiff.deployer.deploy.StackTemplate;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.auth.AuthMode;
import dev.skiff.emulator.auth.AuthSettings;
import dev.skiff.emulator.environment.LogSink;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The local emulator serving the template skiff renders for a package, with the package's .zip
 * as CodeUri: the same template deploy sends to CloudFormation, but for the code location.
 */
public final class LocalLambda implements AutoCloseable {
    public static final String FRAUD_REQUEST = """
            {"model_name": "fraud", "inputs": [{"name": "features", "shape": [1, 8], "datatype": "FP32",
             "data": [0.5, 120.0, 3.0, 0.0, 1.0, 0.2, 14.0, 1.0]}]}""";

    private final Emulator emulator;
    private final LambdaClient lambda;

    private LocalLambda(Emulator emulator) {
        this.emulator = emulator;
        this.lambda = LambdaClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint(emulator))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMinutes(2)))
                .build();
    }

    public static LocalLambda start(PackageManifest manifest, Path dir) throws Exception {
        return start(manifest, dir, LogSink.console(), false);
    }

    /**
     * With {@code httpApi}, the template's HTTP API too: authorization off (the requests are not
     * signed) and throttling raised above what a test sends (the template's 100/s would answer 429).
     */
    public static LocalLambda start(PackageManifest manifest, Path dir, LogSink log, boolean httpApi) throws Exception {
        String template = StackTemplate.render(
                manifest,
                m -> m.artifact().toAbsolutePath().toString(),
                // the monitoring module's Lambda layout of the drift function, as sam/template.yaml's
                Path.of("../monitoring/target/lambda")
                        .toAbsolutePath()
                        .normalize()
                        .toString(),
                StackTemplate.DEFAULT_RUNTIME);
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, template, StandardCharsets.UTF_8);
        Emulator.Options options = Emulator.Options.defaults(file)
                .withPorts(httpApi ? 0 : -1, 0)
                .withLog(log)
                .withAuth(AuthSettings.defaults().withMode(AuthMode.OFF))
                .withParameterOverrides(
                        httpApi ? Map.of("ThrottlingRateLimit", "100000", "ThrottlingBurstLimit", "100000") : Map.of());
        return new LocalLambda(Emulator.start(options));
    }

    /** The HTTP API's base URL, when started with it. */
    public URI apiEndpoint() {
        return URI.create("http://127.0.0.1:" + emulator.apiPort());
    }

    public Emulator emulator() {
        return emulator;
    }

    public LambdaClient lambda() {
        return lambda;
    }

    public String endpoint() {
        return endpoint(emulator).toString();
    }

    private static URI endpoint(Emulator emulator) {
        return URI.create("http://127.0.0.1:" + emulator.lambdaPort());
    }

    public InvokeResponse invoke(String function, String qualifier, String payload) {
        return lambda.invoke(
                b -> b.functionName(function).qualifier(qualifier).payload(SdkBytes.fromUtf8String(payload)));
    }

    /** Makes the emulator see new code, as a deploy would, so PublishVersion publishes a new version. */
    public static void touch(Path zip) throws IOException {
        Files.setLastModifiedTime(zip, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
    }

    @Override
    public void close() {
        lambda.close();
        emulator.close();
    }
}
