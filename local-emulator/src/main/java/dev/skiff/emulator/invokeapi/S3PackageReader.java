package dev.skiff.emulator.invokeapi;

import dev.skiff.emulator.lambda.LambdaServiceException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.net.URI;

/**
 * UpdateFunctionCode's {@code S3Bucket}/{@code S3Key}/{@code S3ObjectVersion}: the package read
 * through the S3 endpoint the emulator was started with (LocalStack, MinIO, an S3 mock), never AWS's.
 */
public final class S3PackageReader implements AutoCloseable {
    /** Lambda's limit on a package from S3 is its unzipped size; the .zip can be no larger. */
    static final long MAX_PACKAGE_BYTES = 262_144_000L;

    private final URI endpoint;
    private final S3Client s3;

    private S3PackageReader(URI endpoint, S3Client s3) {
        this.endpoint = endpoint;
        this.s3 = s3;
    }

    /** No S3: every S3 location is refused, saying how to give one. */
    public static S3PackageReader none() {
        return new S3PackageReader(null, null);
    }

    /**
     * Reads through {@code endpoint} with path-style addressing (local S3s serve no bucket
     * subdomains), with this machine's keys if it has any, else placeholder ones local S3s accept.
     */
    public static S3PackageReader at(URI endpoint, String region) {
        S3Client client = S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.of(region))
                .credentialsProvider(AwsCredentialsProviderChain.of(
                        EnvironmentVariableCredentialsProvider.create(),
                        SystemPropertyCredentialsProvider.create(),
                        ProfileCredentialsProvider.create(),
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))))
                .build();
        return new S3PackageReader(endpoint, client);
    }

    public byte[] read(String bucket, String key, String objectVersion) {
        String location =
                "s3://" + bucket + "/" + key + (objectVersion == null ? "" : " (version " + objectVersion + ")");
        if (s3 == null) {
            throw LambdaServiceException.invalidParameter("The local emulator cannot read " + location
                    + ": it was started without an S3 endpoint. Start it with --s3-endpoint URL (LocalStack, MinIO, "
                    + "...) or send the package as ZipFile (up to 50 MB zipped).");
        }
        try (ResponseInputStream<GetObjectResponse> object =
                s3.getObject(b -> b.bucket(bucket).key(key).versionId(objectVersion))) {
            Long size = object.response().contentLength();
            if (size != null && size > MAX_PACKAGE_BYTES) {
                throw LambdaServiceException.invalidParameter(
                        "Unzipped size must be smaller than " + MAX_PACKAGE_BYTES + " bytes");
            }
            return object.readAllBytes();
        } catch (S3Exception e) {
            // Lambda's own wording for a package it cannot get, with S3's code and message
            String code = e.awsErrorDetails() == null
                    ? String.valueOf(e.statusCode())
                    : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null
                    ? e.getMessage()
                    : e.awsErrorDetails().errorMessage();
            throw LambdaServiceException.invalidParameter(
                    "Error occurred while GetObject. S3 Error Code: " + code + ". S3 Error Message: " + message);
        } catch (SdkClientException | IOException e) {
            throw LambdaServiceException.invalidParameter("The local emulator cannot read " + location
                    + " from the S3 endpoint " + endpoint + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (s3 != null) s3.close();
    }
}
