package dev.skiff.deployer.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A map run's ResultWriter output (a manifest.json naming SUCCEEDED_n.json and FAILED_n.json,
 * each an array of child executions with their Input and Output) written back as the local run
 * writes it: one result per input row, in input order. Child executions finish in any order and
 * carry no row numbers, so each answer is matched to its row by the item itself (its columns as
 * ItemReader read them); equal rows get their equal answers in turn.
 */
final class MapRunResults {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    MapRunResults(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
    }

    BatchSummary write(
            Path input, BatchFormat format, ResultFiles files, double tolerated, DescribeExecutionResponse execution)
            throws IOException {
        Map<String, ArrayDeque<JsonNode>> answers = answers();
        long total = 0, failed = 0;
        String missing = "no result for this row: the execution " + execution.statusAsString()
                + (execution.cause() == null ? "" : " (" + execution.cause() + ")");
        try (InputRows rows = InputRows.open(input, format)) {
            for (InputRow row = rows.next(); row != null; row = rows.next()) {
                ArrayDeque<JsonNode> queue = answers.get(itemKey(row.asMap()));
                JsonNode answer = queue == null || queue.isEmpty()
                        ? JSON.createObjectNode().put(ResultFiles.ERROR, missing)
                        : queue.poll();
                if (answer.has(ResultFiles.ERROR)) failed++;
                files.write(row.number(), answer);
                total++;
            }
        }
        long elapsed = execution.stopDate() == null || execution.startDate() == null
                ? 0
                : execution.stopDate().toEpochMilli() - execution.startDate().toEpochMilli();
        return new BatchSummary(total, failed, tolerated, elapsed);
    }

    /** Every item's answers, by the item's columns. */
    private Map<String, ArrayDeque<JsonNode>> answers() throws IOException {
        Map<String, ArrayDeque<JsonNode>> answers = new HashMap<>();
        String manifestKey = null;
        for (S3Object object :
                s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            if (object.key().endsWith("/manifest.json")) manifestKey = object.key();
        }
        if (manifestKey == null) return answers; // the run wrote nothing: every row reports the execution's end
        JsonNode manifest = read(manifestKey);
        JsonNode resultFiles = manifest.path("ResultFiles");
        for (String status : new String[] {"SUCCEEDED", "FAILED"}) {
            for (JsonNode file : resultFiles.path(status)) {
                for (JsonNode child : read(file.get("Key").asText())) add(child, answers);
            }
        }
        return answers;
    }

    private void add(JsonNode child, Map<String, ArrayDeque<JsonNode>> answers) throws IOException {
        JsonNode items = JSON.readTree(child.path("Input").asText("{}")).path("Items");
        JsonNode output =
                child.hasNonNull("Output") ? JSON.readTree(child.get("Output").asText()) : null;
        for (int i = 0; i < items.size(); i++) {
            JsonNode answer;
            if (output != null && output.isArray() && output.size() == items.size()) {
                answer = output.get(i);
            } else {
                String why = output != null && output.has(ResultFiles.ERROR)
                        ? output.get(ResultFiles.ERROR).asText()
                        : child.path("Error").asText("the batch failed") + ": "
                                + child.path("Cause").asText("");
                answer = JSON.createObjectNode().put(ResultFiles.ERROR, why);
            }
            answers.computeIfAbsent(itemKey(JSON.convertValue(items.get(i), Map.class)), k -> new ArrayDeque<>())
                    .add(answer);
        }
    }

    /** An item's columns as one canonical string (sorted by name): the same for the input's row and ItemReader's item. */
    static String itemKey(Map<?, ?> values) throws IOException {
        return JSON.writeValueAsString(new java.util.TreeMap<>(values));
    }

    private JsonNode read(String key) throws IOException {
        try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
