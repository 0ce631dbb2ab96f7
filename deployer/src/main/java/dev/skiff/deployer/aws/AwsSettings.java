package dev.skiff.deployer.aws;

import java.net.URI;

/**
 * Where AWS calls go: a profile, a region and an endpoint override (LocalStack, the local
 * emulator), each null for the SDK's default chain. {@code local} means a running {@code skiff
 * local} emulator, which takes any credentials, so none have to exist on the machine.
 */
public record AwsSettings(String profile, String region, URI endpoint, boolean local) {
    /** The Lambda API of {@code skiff local start-api} and {@code start-lambda} on their default port. */
    public static final URI LOCAL_LAMBDA_ENDPOINT = URI.create("http://127.0.0.1:3001");

    public AwsSettings(String profile, String region, URI endpoint) {
        this(profile, region, endpoint, false);
    }

    public static AwsSettings defaults() {
        return new AwsSettings(null, null, null);
    }

    /** The local emulator's Lambda API: {@code endpoint} or the default port, the emulator's default region. */
    public static AwsSettings local(URI endpoint, String region) {
        return new AwsSettings(
                null, region != null ? region : "us-east-1", endpoint != null ? endpoint : LOCAL_LAMBDA_ENDPOINT, true);
    }
}
