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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Versions and aliases changed while clients keep sending: no request is lost, a broken version changes nothing. */
class LiveChangesTest {
    static final String BODY = BatchingTest.request(null, "x", "FP32", new long[] {1, 2}, "[1,2]");

    @TempDir
    static Path repository;

    static TestServer pool;

    @BeforeAll
    static void start() throws Exception {
        // version 1 answers x, version 2 answers 2x: each answer shows which version ran it
        for (String name : List.of("moving", "sturdy")) {
            Repositories.model(
                    repository,
                    name,
                    1,
                    OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2),
                    "{\"batching\": {\"maxQueueDelayMs\": 2}}");
            Repositories.model(repository, name, 2, doubling(), null);
        }
        pool = TestServer.start(repository);
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.close();
    }

    static OnnxModelBuilder doubling() {
        return new OnnxModelBuilder()
                .input("x", OnnxModelBuilder.FLOAT, "n", 2)
                .output("y", OnnxModelBuilder.FLOAT, "n", 2)
                .node("Add", List.of("x", "x"), List.of("y"));
    }

    @Test
    void aliasMovesAndReloadsUnderLoadLoseNoRequest() throws Exception {
        assertEquals(200, setAlias("moving", "live", "{\"version\": \"1\"}").status());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                String path = c % 2 == 0 ? "/v2/models/moving/infer" : "/v2/models/moving/versions/live/infer";
                loops.add(clients.submit(() -> {
                    while (running.get()) {
                        TestServer.Reply reply = pool.post(path, BODY);
                        String version = reply.header("x-skiff-model-version");
                        if (reply.status() != 200) {
                            problems.add(reply.status() + " " + reply.text());
                            continue;
                        }
                        float expected = "2".equals(version) ? 2 : 1;
                        JsonNode data = reply.json().get("outputs").get(0).get("data");
                        if (data.get(0).floatValue() != expected || data.get(1).floatValue() != 2 * expected) {
                            problems.add("version " + version + " answered " + data);
                        }
                        answered.incrementAndGet();
                    }
                    return null;
                }));
            }
            // the changes start once the clients are answered, so they happen under load on a slow machine too
            Eventually.await(() -> answered.get() >= 5, "the clients are answered");
            String[] routes = {
                "{\"version\": \"2\"}",
                "{\"version\": \"1\", \"additionalVersionWeights\": {\"2\": 0.5}}",
                "{\"version\": 1}"
            };
            for (int round = 0; round < 3; round++) {
                assertEquals(200, setAlias("moving", "live", routes[round]).status());
                assertEquals(
                        200,
                        pool.manage("POST", "/v2/repository/models/moving/versions/2/load", null)
                                .status());
                assertEquals(
                        200,
                        pool.manage("POST", "/v2/repository/models/moving/versions/1/load", null)
                                .status());
            }
            Eventually.await(() -> answered.get() > 20, "more than 20 requests are answered");
            running.set(false);
            for (Future<?> loop : loops) loop.get();
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " requests went wrong, first: " + problems.peek());
        assertTrue(answered.get() > 20, "too few requests to mean anything: " + answered.get());
    }

    @Test
    void aBrokenVersionLeavesTheOldOneServingAndSaysWhy() throws Exception {
        Path model = repository.resolve("sturdy").resolve("2").resolve("model.onnx");
        byte[] good = Files.readAllBytes(model);
        try {
            Files.writeString(model, "not an ONNX model", StandardCharsets.UTF_8);
            TestServer.Reply reload = pool.manage("POST", "/v2/repository/models/sturdy/versions/2/load", null);
            assertEquals(400, reload.status(), reload::text);
            assertTrue(reload.text().contains("ONNX Runtime cannot load"), reload::text);
            assertTrue(reload.text().contains("loaded before still serves"), reload::text);

            TestServer.Reply answer = pool.post("/v2/models/sturdy/versions/2/infer", BODY);
            assertEquals(200, answer.status(), answer::text);
            assertEquals(
                    2f, answer.json().get("outputs").get(0).get("data").get(0).floatValue());

            // a new version that cannot load is reported, and is not routable
            Files.createDirectories(model.getParent().resolveSibling("3"));
            Files.writeString(model.getParent().resolveSibling("3").resolve("model.onnx"), "garbage");
            assertEquals(
                    400,
                    pool.manage("POST", "/v2/repository/models/sturdy/versions/3/load", null)
                            .status());
            assertEquals(404, pool.get("/v2/models/sturdy/versions/3").status());
            assertEquals(
                    409, setAlias("sturdy", "canary", "{\"version\": \"3\"}").status());
            JsonNode index = pool.manage("POST", "/v2/repository/index", null).json();
            assertTrue(
                    index.toString().contains("\"version\":\"3\",\"state\":\"UNAVAILABLE\",\"reason\":"),
                    index::toString);
            assertTrue(pool.log().contains("\"message\":\"version failed to load\""));
        } finally {
            Files.write(model, good);
        }
    }

    @Test
    void aVersionAnAliasUsesCannotBeUnloaded() {
        assertEquals(200, setAlias("sturdy", "stable", "{\"version\": \"1\"}").status());
        TestServer.Reply refused = pool.manage("POST", "/v2/repository/models/sturdy/versions/1/unload", null);
        assertEquals(409, refused.status(), refused::text);
        assertTrue(refused.text().contains("stable"), refused::text);
        assertEquals(
                200,
                pool.manage("DELETE", "/v2/repository/models/sturdy/aliases/stable", null)
                        .status());
    }

    private static TestServer.Reply setAlias(String model, String alias, String route) {
        return pool.manage("PUT", "/v2/repository/models/" + model + "/aliases/" + alias, route);
    }
}
