package dev.skiff.emulator.support;

import dev.skiff.emulator.Emulator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.net.URI;
import java.time.Duration;

/** The AWS SDK's Lambda client against an emulator's Lambda API, with no retries: a test sees each answer. */
public final class LocalLambdaClient {
    private LocalLambdaClient() {}

    public static LambdaClient of(Emulator emulator) {
        return LambdaClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + emulator.lambdaPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(
                        o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(60)))
                .build();
    }
}
