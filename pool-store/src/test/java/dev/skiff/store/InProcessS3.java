package dev.skiff.store;

import com.adobe.testing.s3mock.S3MockApplication;
import org.springframework.boot.logging.LoggingSystem;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real S3 (Adobe's S3Mock, which honours PutObject's If-Match and If-None-Match) in this JVM on
 * an ephemeral port, with its objects under {@code root}; reached through the AWS SDK v2 with an
 * endpoint override, as in production.
 */
public final class InProcessS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "skiff-test";
    public static final String SECRET_KEY = "skiff-test-secret";

    private final S3MockApplication s3;

    public InProcessS3(Path root, String... buckets) {
        // Spring Boot leaves logging alone: the JVM's one SLF4J backend (logback with the servers'
        // JSON lines under test, slf4j-simple elsewhere) stays as the test set it up
        System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        this.s3 = S3MockApplication.start(new HashMap<>(Map.of( // start() adds to the map
                S3MockApplication.PROP_HTTP_PORT,
                S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_HTTPS_PORT,
                S3MockApplication.RANDOM_PORT,
                S3MockApplication.PROP_INITIAL_BUCKETS,
                String.join(",", buckets),
                S3MockApplication.PROP_ROOT_DIRECTORY,
                root.toString(),
                S3MockApplication.PROP_SILENT,
                true,
                "spring.main.banner-mode",
                "off")));
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + s3.getHttpPort());
    }

    /** A client as the deployer and the pool build theirs: endpoint override, path-style addressing. */
    public S3Client client() {
        return S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .build();
    }

    @Override
    public void close() {
        s3.stop();
    }
}
