package dev.skiff.deployer.cli;

import dev.skiff.deployer.aws.AwsClients;
import dev.skiff.deployer.aws.AwsSettings;
import picocli.CommandLine.Option;

import java.net.URI;

/** --profile, --region and --endpoint-url, as the AWS CLI spells them. */
public final class AwsOptions {
    @Option(names = "--profile", description = "AWS profile (default: $AWS_PROFILE or the default chain)")
    String profile;

    @Option(names = "--region", description = "AWS region (default: $AWS_REGION or the profile's)")
    String region;

    @Option(names = "--endpoint-url", description = "send AWS calls here instead (LocalStack, the local emulator)")
    URI endpoint;

    public AwsClients clients() {
        return new AwsClients(new AwsSettings(profile, region, endpoint));
    }
}
