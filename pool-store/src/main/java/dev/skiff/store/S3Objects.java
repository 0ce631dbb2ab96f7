package dev.skiff.store;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store in S3 under {@code s3://bucket/prefix/}. Conditional puts are S3's conditional writes:
 * {@code If-Match} on the ETag read, {@code If-None-Match: *} to create; S3 answers 412 when the
 * condition fails and 409 when another conditional write to the key is in progress.
 */
final class S3Objects implements StoreObjects {
    private final S3Client s3;
    private final String bucket;
    private final String prefix; // "" or ending with '/'

    S3Objects(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    @Override
    public Optional<Tagged> get(String key) {
        try {
            var object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key));
            return Optional.of(
                    new Tagged(object.asByteArray(), object.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public String putIf(String key, byte[] body, String expectedTag) {
        PutObjectRequest.Builder request =
                PutObjectRequest.builder().bucket(bucket).key(prefix + key);
        if (expectedTag == null) request.ifNoneMatch("*");
        else request.ifMatch(expectedTag);
        try {
            PutObjectResponse written =
                    s3.putObject(request.contentType("application/json").build(), RequestBody.fromBytes(body));
            return written.eTag();
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                String current = get(key).map(Tagged::tag).orElse(null);
                throw new StoreConflictException(
                        DirectoryObjects.conflict(describe(key), expectedTag, current) + " (S3 answered "
                                + e.statusCode() + " " + e.awsErrorDetails().errorCode() + ")");
            }
            throw e;
        }
    }

    @Override
    public void put(String key, byte[] body) {
        s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromBytes(body));
    }

    @Override
    public void putFile(String key, Path file) {
        s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromFile(file));
    }

    @Override
    public void getFile(String key, Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s3.getObject(GetObjectRequest.builder().bucket(bucket).key(prefix + key).build(), file);
    }

    @Override
    public List<String> list(String under) {
        List<String> keys = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + under))
                .contents()) {
            keys.add(object.key().substring(prefix.length()));
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(prefix + key));
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    private String describe(String key) {
        return "s3://" + bucket + "/" + prefix + key;
    }

    @Override
    public void close() {
        s3.close();
    }
}
