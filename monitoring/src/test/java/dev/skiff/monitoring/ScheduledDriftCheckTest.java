package dev.skiff.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.examples.fraud.Transaction;
import dev.skiff.examples.fraud.TransactionFile;
import dev.skiff.examples.fraud.TransactionGenerator;
import dev.skiff.monitoring.baseline.BaselineBuilder;
import dev.skiff.monitoring.baseline.Statistics;
import dev.skiff.monitoring.data.ColumnNames;
import dev.skiff.monitoring.data.RowFiles;
import dev.skiff.monitoring.data.TrainingRows;
import dev.skiff.monitoring.drift.DriftReport;
import dev.skiff.monitoring.lambda.DriftHandler;
import dev.skiff.monitoring.scheduled.LatestVerdicts;
import dev.skiff.monitoring.scheduled.ScheduledDriftCheck;
import dev.skiff.runtime.capture.CaptureRecord;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.store.InProcessS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * The scheduled drift function against an in-process S3: a baseline uploaded where skiff puts it,
 * captures delivered as Firehose delivers a CloudWatch Logs subscription (gzip, logEvents
 * envelopes), one shifted window; the report, latest.json and the EMF metrics come out.
 */
class ScheduledDriftCheckTest {
    static final String BUCKET = "monitoring";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static InProcessS3 s3Server;
    static S3Client s3;
    static ModelVersion fraud;

    @BeforeAll
    static void start() throws IOException {
        s3Server = new InProcessS3(dir.resolve("s3"), BUCKET);
        s3 = s3Server.client();
        fraud = ExampleModels.load("fraud");
        Path csv = dir.resolve("train.csv");
        TransactionFile.write(csv, TransactionFile.Format.CSV, 5_000, 31, 0);
        Statistics baseline = BaselineBuilder.build(
                "fraud", "1", ColumnNames.of(fraud.config()), TrainingRows.dataset(RowFiles.read(csv), fraud));
        put("baselines/fraud/1/statistics.json", baseline.toJson());
        List<Transaction> window = FraudDriftTest.shifted(new TransactionGenerator(32).generate(2_000));
        put("capture/fraud/1/2026/12/06/19/fraud-capture-1.gz", firehoseObject(window.subList(0, 1_000), 0));
        put("capture/fraud/1/2026/12/06/19/fraud-capture-2.gz", firehoseObject(window.subList(1_000, 2_000), 1_000));
        put("capture/fraud/2/2026/12/06/19/no-baseline.gz", firehoseObject(window.subList(0, 10), 0));
    }

    @AfterAll
    static void stop() {
        fraud.close();
        s3.close();
        s3Server.close();
    }

    @Test
    void checksEachVersionWithABaselineAndWritesTheReportsAndMetrics() throws IOException {
        List<String> log = new ArrayList<>();
        Instant now = Instant.now();
        List<DriftReport> reports =
                new ScheduledDriftCheck(s3, BUCKET, log::add).run("fraud", Duration.ofHours(1), now);
        assertEquals(1, reports.size());
        assertEquals(2_000, reports.get(0).windowRows());
        assertEquals(
                List.of("amount_usd", "card_present"),
                reports.get(0).verdict().driftedFeatures().stream()
                        .filter(f -> !f.startsWith("prob") && !f.equals("label"))
                        .sorted()
                        .toList());
        assertTrue(
                log.stream()
                        .anyMatch(l -> l.contains("no baseline at s3://monitoring/baselines/fraud/2/statistics.json")),
                log.toString());

        JsonNode latest =
                JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("drift-reports/fraud/1/latest.json"))
                        .asByteArray());
        assertEquals("FEATURE_DRIFT", latest.at("/verdict/status").asText());
        String at = "drift-reports/fraud/1/"
                + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                        .toString()
                        .replace(':', '-');
        assertTrue(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(at + "/report.html"))
                .asUtf8String()
                .contains("<svg"));
        assertEquals(
                latest,
                JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(at + "/report.json"))
                        .asByteArray()));

        Map<String, DriftReport> verdicts = LatestVerdicts.read(s3, BUCKET, "fraud", List.of("1", "2"));
        assertEquals(Set.of("1"), verdicts.keySet(), "version 2 has no baseline, so no verdict");
        assertTrue(
                LatestVerdicts.describe("fraud", "1", verdicts.get("1"))
                        .matches(
                                "fraud version 1: FEATURE_DRIFT at .* \\(2000 rows\\): 2 of 8 input features drifted \\(amount_usd, card_present\\).*"),
                LatestVerdicts.describe("fraud", "1", verdicts.get("1")));

        JsonNode share = JSON.readTree(
                log.stream().filter(l -> l.contains("DriftedShare")).findFirst().orElseThrow());
        assertEquals(
                "Skiff/Drift", share.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
        assertEquals(
                "[[\"Model\"],[\"Model\",\"Version\"]]",
                share.at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
        assertEquals(0.25, share.get("DriftedShare").asDouble(), 1e-12);
        JsonNode amount = JSON.readTree(log.stream()
                .filter(l -> l.contains("\"Feature\":\"amount_usd\""))
                .findFirst()
                .orElseThrow());
        assertTrue(amount.get("DriftScore").asDouble() > 0.25);
    }

    @Test
    void capturesOutsideTheWindowAreNotRead() throws IOException {
        List<String> log = new ArrayList<>();
        List<DriftReport> reports = new ScheduledDriftCheck(s3, BUCKET, log::add)
                .run("fraud", Duration.ofHours(1), Instant.now().plus(Duration.ofDays(2)));
        assertEquals(List.of(), reports);
        assertTrue(log.stream().anyMatch(l -> l.contains("no captures since")), log.toString());
    }

    @Test
    void theHandlerAnswersEachVersionsVerdictAndRefusesAnEventWithoutAModel() throws IOException {
        DriftHandler handler = new DriftHandler(s3, BUCKET);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream("{\"model\":\"fraud\",\"window\":\"2h\"}".getBytes(StandardCharsets.UTF_8)),
                out,
                null);
        assertEquals(
                "{\"model\":\"fraud\",\"checked\":[{\"version\":\"1\",\"status\":\"FEATURE_DRIFT\"}]}",
                out.toString(StandardCharsets.UTF_8));
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class,
                () -> handler.handleRequest(
                        new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(),
                        null));
        assertTrue(error.getMessage().contains("names no \"model\""));
    }

    /** What Firehose writes for a CloudWatch Logs subscription: gzip of concatenated logEvents envelopes. */
    static byte[] firehoseObject(List<Transaction> rows, int firstId) throws IOException {
        ModelConfig.Capture all = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            for (int start = 0; start < rows.size(); start += 100) {
                List<Map<String, Object>> events = new ArrayList<>();
                events.add(Map.of("id", "x", "timestamp", 0, "message", "START RequestId: x"));
                for (int i = start; i < Math.min(rows.size(), start + 100); i++) {
                    Transaction t = rows.get(i);
                    float[] row = new float[Transaction.FEATURE_COUNT];
                    for (int c = 0; c < row.length; c++) row[c] = (float) t.features()[c];
                    InferRequest request = new InferRequest(
                            "r" + (firstId + i),
                            Map.of(),
                            List.of(Tensor.ofFloats("features", new long[] {1, row.length}, row)),
                            List.of(),
                            false);
                    String line = CaptureRecord.format(
                            all, Target.LAMBDA, request, fraud.infer(request), "e" + (firstId + i), Instant.now());
                    events.add(Map.of("id", "e" + i, "timestamp", 0, "message", line));
                }
                gzip.write(JSON.writeValueAsBytes(Map.of(
                        "messageType",
                        "DATA_MESSAGE",
                        "owner",
                        "123456789012",
                        "logGroup",
                        "/aws/lambda/fraud",
                        "logEvents",
                        events)));
            }
        }
        return bytes.toByteArray();
    }

    static void put(String key, byte[] body) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
    }
}
