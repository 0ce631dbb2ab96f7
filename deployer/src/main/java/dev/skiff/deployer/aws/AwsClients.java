package dev.skiff.deployer.aws;

import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Duration;

/** Builds SDK clients that honour --profile, --region and --endpoint-url the same way for every service. */
public final class AwsClients {
    private final AwsSettings settings;

    public AwsClients(AwsSettings settings) {
        this.settings = settings;
    }

    public AwsSettings settings() {
        return settings;
    }

    public CloudFormationClient cloudFormation() {
        return configure(CloudFormationClient.builder()).build();
    }

    public S3Client s3() {
        // path-style addressing: LocalStack and other endpoint overrides do not serve bucket subdomains
        return configure(S3Client.builder())
                .forcePathStyle(settings.endpoint() != null)
                .build();
    }

    public LambdaClient lambda() {
        LambdaClientBuilder builder = configure(LambdaClient.builder());
        // the emulator on this machine: no expect-continue handshake, a round trip and a stall, before each body
        // (skiff deploy --local sends whole code packages)
        if (settings.local())
            builder.httpClientBuilder(ApacheHttpClient.builder().expectContinueEnabled(false));
        return builder.build();
    }

    public SfnClient sfn() {
        return configure(SfnClient.builder()).build();
    }

    public StsClient sts() {
        return configure(StsClient.builder()).build();
    }

    public Region region() {
        if (settings.region() != null) return Region.of(settings.region());
        if (settings.profile() != null) {
            return DefaultAwsRegionProviderChain.builder()
                    .profileName(settings.profile())
                    .build()
                    .getRegion();
        }
        return new DefaultAwsRegionProviderChain().getRegion();
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        builder.region(region()).credentialsProvider(credentials());
        if (settings.endpoint() != null) builder.endpointOverride(settings.endpoint());
        // an inference or a stack call may take a while; a hung connection must not hang skiff forever
        builder.overrideConfiguration(ClientOverrideConfiguration.builder()
                .apiCallTimeout(Duration.ofMinutes(16))
                .build());
        return builder;
    }

    private AwsCredentialsProvider credentials() {
        // the emulator checks no signature: unsigned calls skip hashing every batch event
        if (settings.local()) return AnonymousCredentialsProvider.create();
        if (settings.profile() != null) return ProfileCredentialsProvider.create(settings.profile());
        return DefaultCredentialsProvider.builder().build();
    }
}
