package dev.skiff.deployer.aws;

import java.net.URI;

/**
 * Where AWS calls go: a profile, a region and an endpoint override (LocalStack, the local
 * emulator), each null for the SDK's default chain.
 */
public record AwsSettings(String profile, String region, URI endpoint) {
    public static AwsSettings defaults() {
        return new AwsSettings(null, null, null);
    }
}
