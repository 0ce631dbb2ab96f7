package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Dynamic batching over HTTP under concurrency, on small generated models. */
class BatchingTest {
    @TempDir
    static Path repository;

    static TestServer pool;

    @BeforeAll
    static void start() throws Exception {
        // adaptiveBatchSize false: these models merge up to maxBatchSize from the first run, whatever runs cost
        // doubles its input; the second dimension is free, so requests of different widths must not share a run
        Repositories.model(
                repository,
                "double",
                1,
                new OnnxModelBuilder()
                        .input("x", OnnxModelBuilder.FLOAT, "n", "d")
                        .output("y", OnnxModelBuilder.FLOAT, "n", "d")
                        .node("Add", List.of("x", "x"), List.of("y")),
                "{\"maxBatchSize\": 64, \"batching\": {\"adaptiveBatchSize\": false, \"maxQueueDelayMs\": 50}}");
        // looks rows up in a 4x2 table: an index past 3 makes ONNX Runtime fail at run time
        Repositories.model(
                repository,
                "lookup",
                1,
                new OnnxModelBuilder()
                        .input("i", OnnxModelBuilder.INT64, "n")
                        .output("y", OnnxModelBuilder.FLOAT, "n", 2)
                        .floatInitializer("table", 4, 2)
                        .node("Gather", List.of("table", "i"), List.of("y")),
                "{\"batching\": {\"adaptiveBatchSize\": false, \"maxQueueDelayMs\": 1000}}");
        // holds requests five seconds (long enough to fill its queue on a loaded machine), and queues two at most
        Repositories.model(
                repository,
                "slow",
                1,
                OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2),
                "{\"batching\": {\"adaptiveBatchSize\": false, \"maxQueueDelayMs\": 5000, \"queueCapacity\": 2}}");
        pool = TestServer.start(repository);
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.close();
    }

    @Test
    void concurrentCallersEachGetTheirOwnRows() throws Exception {
        int callers = 24;
        String before = pool.get("/metrics").text();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> calls = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                calls.add(clients.submit(() -> {
                    int rows = 1 + caller % 3;
                    int width = caller % 2 == 0 ? 2 : 3;
                    float[] x = new float[rows * width];
                    for (int i = 0; i < x.length; i++) x[i] = caller * 100 + i;
                    TestServer.Reply reply = pool.post(
                            "/v2/models/double/infer",
                            request("caller-" + caller, "x", "FP32", new long[] {rows, width}, floats(x)));
                    assertEquals(200, reply.status(), reply::text);
                    JsonNode out = reply.json();
                    assertEquals("caller-" + caller, out.get("id").asText());
                    JsonNode y = out.get("outputs").get(0);
                    assertEquals("[" + rows + "," + width + "]", y.get("shape").toString());
                    for (int i = 0; i < x.length; i++)
                        assertEquals(2 * x[i], y.get("data").get(i).floatValue(), 0f);
                    return null;
                }));
            }
            for (Future<?> call : calls) call.get();
        }
        String metrics = pool.get("/metrics").text();
        double runs = metric(metrics, "skiff_batch_requests_count", "double")
                - metric(before, "skiff_batch_requests_count", "double");
        double requests = metric(metrics, "skiff_batch_requests_sum", "double")
                - metric(before, "skiff_batch_requests_sum", "double");
        assertEquals(callers, requests, 0.0, metrics);
        assertTrue(runs < callers, "no two requests shared a run: " + runs + " runs for " + callers + " requests");
    }

    @Test
    void aFailingRequestFailsOnlyItselfWhenBatched() throws Exception {
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<TestServer.Reply> good1 = clients.submit(() ->
                    pool.post("/v2/models/lookup/infer", request("good-1", "i", "INT64", new long[] {2}, "[0,1]")));
            Future<TestServer.Reply> bad = clients.submit(
                    () -> pool.post("/v2/models/lookup/infer", request("bad", "i", "INT64", new long[] {1}, "[7]")));
            Future<TestServer.Reply> good2 = clients.submit(() ->
                    pool.post("/v2/models/lookup/infer", request("good-2", "i", "INT64", new long[] {3}, "[3,2,3]")));
            Future<TestServer.Reply> wrongType = clients.submit(() ->
                    pool.post("/v2/models/lookup/infer", request("wrong-type", "i", "FP32", new long[] {1}, "[1]")));

            assertRows(good1.get(), 0, 1);
            assertRows(good2.get(), 3, 2, 3);
            assertEquals(500, bad.get().status(), bad.get()::text);
            assertTrue(bad.get().text().contains("failed to run"), bad.get()::text);
            assertEquals(400, wrongType.get().status(), wrongType.get()::text);
        }
        assertTrue(
                metric(pool.get("/metrics").text(), "skiff_batch_fallbacks_total", "lookup") >= 1,
                "the bad request did not share a run with the good ones");
    }

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        String body = request(null, "x", "FP32", new long[] {1, 2}, "[1,2]");
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<TestServer.Reply> first = clients.submit(() -> pool.post("/v2/models/slow/infer", body));
            Future<TestServer.Reply> second = clients.submit(() -> pool.post("/v2/models/slow/infer", body));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (metric(pool.get("/metrics").text(), "skiff_queue_depth", "slow") < 2) {
                assertTrue(System.nanoTime() < deadline, "the two requests never queued");
                Thread.sleep(10);
            }
            TestServer.Reply rejected = pool.post("/v2/models/slow/infer", body);
            assertEquals(503, rejected.status(), rejected::text);
            assertEquals("1", rejected.header("retry-after"));
            assertTrue(rejected.text().contains("queueCapacity"), rejected::text);
            assertEquals(200, first.get().status());
            assertEquals(200, second.get().status());
        }
    }

    @Test
    void metricsNameTheProviderAndCountPerModelAndVersion() {
        assertEquals(
                200,
                pool.post("/v2/models/double/versions/1/infer", request(null, "x", "FP32", new long[] {1, 1}, "[1]"))
                        .status());
        TestServer.Reply scrape = pool.get("/metrics");
        assertEquals(200, scrape.status());
        assertTrue(scrape.header("content-type").startsWith("text/plain"), scrape.header("content-type"));
        String text = scrape.text();
        assertTrue(text.contains("skiff_execution_provider_info{device=\"-1\",provider=\"CPU\"} 1"), text);
        assertTrue(metric(text, "skiff_requests_total", "double") >= 1, text);
        for (String series : List.of(
                "skiff_request_duration_seconds_bucket",
                "skiff_queue_duration_seconds_bucket",
                "skiff_batch_rows_bucket",
                "skiff_inference_duration_seconds_bucket")) {
            assertTrue(text.contains(series + "{"), series + " missing: " + text);
        }
    }

    private static void assertRows(TestServer.Reply reply, int... indices) {
        assertEquals(200, reply.status(), reply::text);
        JsonNode data = reply.json().get("outputs").get(0).get("data");
        assertEquals(indices.length * 2, data.size());
        for (int r = 0; r < indices.length; r++) {
            for (int c = 0; c < 2; c++) {
                int i = indices[r] * 2 + c; // the table OnnxModelBuilder.floatInitializer fills
                assertEquals(
                        ((i * 7919) % 1000) / 1000f - 0.5f, data.get(r * 2 + c).floatValue(), 0f);
            }
        }
    }

    static String request(String id, String input, String datatype, long[] shape, String data) {
        return "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"inputs\":[{\"name\":\"" + input
                + "\",\"datatype\":\"" + datatype + "\",\"shape\":"
                + java.util.Arrays.toString(shape).replace(" ", "") + ",\"data\":" + data + "}]}";
    }

    private static String floats(float[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++)
            s.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", values[i]));
        return s.append(']').toString();
    }

    /** A series' value from the Prometheus text, for the given model; 0 when absent. */
    static double metric(String text, String series, String model) {
        Matcher m = Pattern.compile("(?m)^" + series + "\\{[^}]*model=\"" + model + "\"[^}]*} (\\S+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
