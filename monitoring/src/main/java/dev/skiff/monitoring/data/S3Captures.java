package dev.skiff.monitoring.data;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.time.Instant;

/** Capture records under an S3 prefix (what Firehose delivered), read as {@link CaptureFiles} reads a directory. */
public final class S3Captures {
    private S3Captures() {}

    /** The records of {@code s3://bucket/prefix...} that the filter accepts; objects older than its window are not read. */
    public static CaptureFiles read(
            S3Client s3, String bucket, String prefix, ColumnNames names, CaptureFiles.Filter filter)
            throws IOException {
        CaptureFiles reader = new CaptureFiles(names, filter);
        Instant oldest = filter.since();
        ListObjectsV2Request list =
                ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
        for (S3Object object : s3.listObjectsV2Paginator(list).contents()) {
            // an object is written after its records: one last modified before the window began holds none of it
            if (oldest != null && object.lastModified().isBefore(oldest)) continue;
            try (ResponseInputStream<GetObjectResponse> in =
                    s3.getObject(b -> b.bucket(bucket).key(object.key()))) {
                reader.add("s3://" + bucket + "/" + object.key(), in);
            }
        }
        return reader;
    }

    /** {@code s3://bucket/prefix} as its bucket and prefix. */
    public static String[] parse(String uri) {
        if (!uri.startsWith("s3://") || uri.length() <= 5)
            throw new IllegalArgumentException("not an s3:// location: " + uri);
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (bucket.isEmpty()) throw new IllegalArgumentException("no bucket in " + uri);
        return new String[] {bucket, slash < 0 ? "" : rest.substring(slash + 1)};
    }
}
