package dev.skiff.monitoring.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.monitoring.data.Since;
import dev.skiff.monitoring.drift.DriftReport;
import dev.skiff.monitoring.scheduled.ScheduledDriftCheck;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The scheduled drift function. EventBridge Scheduler invokes it with {@code {"model": "fraud",
 * "window": "1h"}}; the bucket is {@code SKIFF_MONITORING_BUCKET}. It answers with each checked
 * version's verdict, and logs EMF metrics on stdout.
 */
public final class DriftHandler implements RequestStreamHandler {
    public static final String BUCKET_VARIABLE = "SKIFF_MONITORING_BUCKET";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;

    public DriftHandler() {
        this(S3Client.builder().httpClientBuilder(ApacheHttpClient.builder()).build(), System.getenv(BUCKET_VARIABLE));
    }

    public DriftHandler(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        if (bucket == null || bucket.isEmpty()) throw new IllegalStateException(BUCKET_VARIABLE + " is not set");
        JsonNode event = JSON.readTree(input);
        String model = event == null ? "" : event.path("model").asText("");
        if (model.isEmpty()) throw new IllegalArgumentException("the event names no \"model\": " + event);
        Duration window = Since.parse(event.path("window").asText("1h"));
        List<DriftReport> reports =
                new ScheduledDriftCheck(s3, bucket, System.out::println).run(model, window, Instant.now());
        StringBuilder answer = new StringBuilder("{\"model\":")
                .append(JSON.writeValueAsString(model))
                .append(",\"checked\":[");
        for (int i = 0; i < reports.size(); i++) {
            DriftReport report = reports.get(i);
            if (i > 0) answer.append(',');
            answer.append("{\"version\":")
                    .append(JSON.writeValueAsString(report.modelVersion()))
                    .append(",\"status\":\"")
                    .append(report.verdict().status())
                    .append("\"}");
        }
        output.write(answer.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }
}
