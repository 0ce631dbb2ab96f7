package dev.skiff.deployer.deploy;

import static dev.skiff.deployer.report.Sizes.bytes;

import dev.skiff.deployer.cli.ExitCodes;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.packaging.PackagedFunction;
import dev.skiff.deployer.packaging.PackagedModel;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.nio.file.Files;
import java.util.function.Consumer;

/**
 * Puts function packages in S3 under a content-addressed key, so an unchanged package is neither
 * uploaded again nor seen by CloudFormation as a code change.
 */
public final class ArtifactUploader {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final Consumer<String> progress;

    public ArtifactUploader(S3Client s3, String bucket, String prefix, Consumer<String> progress) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.progress = progress;
    }

    /** Creates the bucket when it does not exist (only when asked: a typo must not create buckets). */
    public void ensureBucket(boolean create, Region region) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            createMissingBucket(create, region);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) { // HeadBucket answers a bare 404, without NoSuchBucket's code
                createMissingBucket(create, region);
                return;
            }
            if (e.statusCode() == 403) {
                throw new UserError(
                        "bucket " + bucket + " exists but this identity may not use it (403); name your own "
                                + "with --bucket",
                        ExitCodes.AWS_ERROR,
                        e);
            }
            throw e;
        }
    }

    private void createMissingBucket(boolean create, Region region) {
        if (!create) {
            throw new UserError(
                    "bucket " + bucket + " does not exist; create it, name another with --bucket, or pass "
                            + "--create-bucket",
                    ExitCodes.AWS_ERROR);
        }
        progress.accept("creating bucket " + bucket);
        CreateBucketRequest.Builder request = CreateBucketRequest.builder().bucket(bucket);
        if (region != null && !region.equals(Region.US_EAST_1)) {
            request.createBucketConfiguration(CreateBucketConfiguration.builder()
                    .locationConstraint(BucketLocationConstraint.fromValue(region.id()))
                    .build());
        }
        s3.createBucket(request.build());
    }

    /** Uploads a model's .zip unless the same content is already there; returns its s3:// URI. */
    public String upload(PackagedModel model) {
        return upload(new PackagedFunction(model.name(), model.artifact(), model.sha256(), model.zippedBytes()));
    }

    /** Uploads a .zip unless the same content is already there; returns its s3:// URI. */
    public String upload(PackagedFunction zip) {
        String key = prefix + zip.name() + "/" + zip.sha256() + ".zip";
        String uri = "s3://" + bucket + "/" + key;
        try {
            HeadObjectResponse existing = s3.headObject(b -> b.bucket(bucket).key(key));
            if (existing.contentLength() == zip.zippedBytes()) {
                progress.accept(zip.name() + ": " + uri + " is already uploaded");
                return uri;
            }
        } catch (NoSuchKeyException e) {
            // not there yet
        } catch (S3Exception e) {
            if (e.statusCode() != 404) throw e;
        }
        if (!Files.isRegularFile(zip.artifact())) {
            throw new UserError(zip.artifact() + " is missing; run skiff package again");
        }
        long start = System.nanoTime();
        progress.accept(zip.name() + ": uploading " + bytes(zip.zippedBytes()) + " to " + uri + " ...");
        s3.putObject(
                b -> b.bucket(bucket).key(key).contentType("application/zip"), RequestBody.fromFile(zip.artifact()));
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.accept(String.format(
                "%s: uploaded in %.1f s (%s/s)",
                zip.name(), seconds, bytes((long) (zip.zippedBytes() / Math.max(seconds, 0.001)))));
        return uri;
    }

    /** Uploads the rendered template (CloudFormation takes a TemplateURL for templates over 51,200 bytes). */
    public String uploadTemplate(String stack, String template) throws IOException {
        String key = prefix + "templates/" + stack + "-" + Integer.toHexString(template.hashCode()) + ".yaml";
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("text/yaml"), RequestBody.fromString(template));
        return s3.utilities().getUrl(b -> b.bucket(bucket).key(key)).toExternalForm();
    }
}
