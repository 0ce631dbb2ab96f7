package dev.skiff.deployer.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;
import software.amazon.awssdk.services.sfn.model.MapRunItemCounts;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** skiff batch's local path with a fake function: batches as ItemBatcher events, results in input order, failures. */
class LocalBatchRunTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A function that echoes id and fails an item whose x is not a number. */
    static byte[] echo(byte[] event) throws Exception {
        JsonNode items = JSON.readTree(event).get("Items");
        ArrayNode answers = JSON.createArrayNode();
        for (JsonNode item : items) {
            var answer = answers.addObject().put("id", item.path("id").asText());
            try {
                answer.put("score", Double.parseDouble(item.path("x").asText()) * 2);
            } catch (NumberFormatException e) {
                answer.put("error", "column 'x' is not a number");
            }
        }
        Thread.sleep(items.size() % 3); // answers arrive out of order
        return JSON.writeValueAsBytes(answers);
    }

    @Test
    void rowsComeBackInInputOrderWithFailuresByRowNumber(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in.csv");
        StringBuilder csv = new StringBuilder("id,x\n");
        for (int i = 1; i <= 50; i++)
            csv.append("r").append(i).append(',').append(i == 7 ? "seven" : i).append('\n');
        Files.writeString(input, csv);
        AtomicInteger invocations = new AtomicInteger();
        LocalBatchRun run = new LocalBatchRun(new LocalBatchRun.Settings("m", null, 8, 3), event -> {
            invocations.incrementAndGet();
            assertTrue(new String(event, StandardCharsets.UTF_8).contains("\"BatchInput\":{\"model_name\":\"m\"}"));
            return echo(event);
        });
        StringWriter progress = new StringWriter();
        BatchSummary summary;
        try (ResultFiles files = new ResultFiles(dir.resolve("out"), "in.csv", BatchFormat.CSV);
                InputRows rows = InputRows.open(input, BatchFormat.CSV)) {
            summary = run.run(rows, files, new ProgressBar(new PrintWriter(progress), false), 50, 5);
        }
        assertEquals(7, invocations.get(), "50 rows in batches of 8");
        assertEquals(50, summary.total());
        assertEquals(1, summary.failed());
        assertTrue(summary.withinTolerance(), "2% failed, 5% tolerated");
        List<String> out = Files.readAllLines(dir.resolve("out/in.csv.out"));
        assertEquals("row,id,score,error", out.get(0));
        assertEquals("1,r1,2.0,", out.get(1));
        assertEquals("7,r7,,\"column 'x' is not a number\"", out.get(7));
        assertEquals("50,r50,100.0,", out.get(50));
        assertEquals(
                List.of("row,key,message", "7,id=r7,\"column 'x' is not a number\""),
                Files.readAllLines(dir.resolve("out/in.csv.failed.csv")));
        assertTrue(progress.toString().contains("50/50 items, 1 failed"), progress.toString());
    }

    @Test
    void aBatchStopsAtItsByteLimitAsItemBatcherDoesAndARowTooLargeForAnyBatchFailsAlone(@TempDir Path dir)
            throws Exception {
        Path input = dir.resolve("in.csv");
        StringBuilder csv = new StringBuilder("id,x\n");
        for (int i = 1; i <= 30; i++)
            csv.append(i == 12 ? "r" + "x".repeat(500) : "r" + i)
                    .append(',')
                    .append(i)
                    .append('\n');
        csv.append("a,1,extra\n"); // more values than the header: fails alone, is not sent
        Files.writeString(input, csv);
        List<Integer> sizes = new java.util.ArrayList<>();
        LocalBatchRun run = new LocalBatchRun(new LocalBatchRun.Settings("m", null, 100, 2, 200), event -> {
            synchronized (sizes) {
                sizes.add(event.length);
            }
            JSON.readTree(event); // each event is whole JSON
            return echo(event);
        });
        BatchSummary summary;
        try (ResultFiles files = new ResultFiles(dir.resolve("out"), "in.csv", BatchFormat.CSV);
                InputRows rows = InputRows.open(input, BatchFormat.CSV)) {
            summary = run.run(rows, files, new ProgressBar(new PrintWriter(new StringWriter()), false), 31, 10);
        }
        assertTrue(sizes.stream().allMatch(size -> size <= 200), sizes.toString());
        assertTrue(sizes.size() > 3, "30 rows of about 24 bytes in events of at most 200: " + sizes);
        assertEquals(31, summary.total());
        assertEquals(2, summary.failed());
        List<String> out = Files.readAllLines(dir.resolve("out/in.csv.out"));
        for (int i = 1; i <= 30; i++) {
            if (i != 12) assertEquals(i + ",r" + i + "," + (2.0 * i) + ",", out.get(i));
        }
        assertEquals("12,,,\"the row alone is larger than a batch's 200 bytes\"", out.get(12));
        assertEquals("31,,,\"the row has 3 values; the header names 2 columns\"", out.get(31));
    }

    @Test
    void aBatchTheFunctionRefusesFailsEachOfItsRows(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, "{\"id\": \"a\", \"x\": 1}\nnot json\n\n");
        LocalBatchRun run = new LocalBatchRun(
                new LocalBatchRun.Settings("m", null, 10, 1),
                event -> "{\"error\": \"model 'm' is not served here\"}".getBytes(StandardCharsets.UTF_8));
        BatchSummary summary;
        try (ResultFiles files = new ResultFiles(dir, "in.jsonl", BatchFormat.JSONL);
                InputRows rows = InputRows.open(input, BatchFormat.JSONL)) {
            summary = run.run(rows, files, new ProgressBar(new PrintWriter(new StringWriter()), false), -1, 0);
        }
        assertEquals(3, summary.failed());
        assertFalse(summary.withinTolerance());
        List<String> out = Files.readAllLines(dir.resolve("in.jsonl.out"));
        assertEquals("{\"row\":1,\"error\":\"model 'm' is not served here\"}", out.get(0));
        assertTrue(out.get(1).startsWith("{\"row\":2,\"error\":\"the line is not JSON"), out.get(1));
        assertEquals("{\"row\":3,\"error\":\"model 'm' is not served here\"}", out.get(2));
    }

    @Test
    void describeMapRunCountsRenderAsProgress() {
        DescribeMapRunResponse recorded = DescribeMapRunResponse.builder()
                .status("RUNNING")
                .startDate(Instant.parse("2026-01-01T00:00:00Z"))
                .itemCounts(MapRunItemCounts.builder()
                        .total(1_000_000L)
                        .succeeded(400_000L)
                        .failed(1_000L)
                        .timedOut(0L)
                        .aborted(0L)
                        .pending(500_000L)
                        .running(99_000L)
                        .resultsWritten(0L)
                        .build())
                .build();
        Progress progress = MapRunProgress.of(recorded, Instant.parse("2026-01-01T00:00:20Z"));
        assertEquals(
                "[##########--------------] 401,000/1,000,000 items, 1,000 failed, 20,050 items/s, ETA 0:30",
                progress.render());
    }

    @Test
    void theExecutionNameIsTheSameForTheSameInputAndVersion() {
        String digest = "0123456789abcdef0123456789abcdef";
        assertEquals("skiff-fraud-v3-0123456789abcdef", StackBatchRun.executionName("fraud", "3", digest));
        var request = StackBatchRun.startRequest(
                "arn:aws:states:us-east-1:1:stateMachine:s-FraudBatch",
                "skiff-fraud-v3-0123456789abcdef",
                new StackBatchRun.ExecutionInput(
                        "b", "batch/fraud/inputs/x/in.csv", BatchFormat.CSV, "batch/fraud/results/n", 1000, 1.5));
        assertEquals("arn:aws:states:us-east-1:1:stateMachine:s-FraudBatch", request.stateMachineArn());
        assertEquals(
                "{\"bucket\":\"b\",\"key\":\"batch/fraud/inputs/x/in.csv\",\"format\":\"CSV\",\"outputPrefix\":"
                        + "\"batch/fraud/results/n\",\"maxItemsPerBatch\":1000,\"toleratedFailurePercentage\":1.5}",
                request.input());
        assertEquals(
                "arn:aws:states:us-east-1:1:execution:s-FraudBatch:skiff-fraud-v3-0123456789abcdef",
                StackBatchRun.executionArn(request.stateMachineArn(), request.name()));
    }
}
