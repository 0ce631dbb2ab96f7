package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** SIGTERM's drain: stop taking requests, finish those in flight (queued ones included), then stop. */
class DrainTest {
    static final String BODY = BatchingTest.request(null, "x", "FP32", new long[] {1, 2}, "[1,2]");

    @TempDir
    Path repository;

    /** Requests wait in the queue this long (merging from the first run), so a drain starts while they are in flight. */
    private void heldModel(int delayMs) throws Exception {
        Repositories.model(
                repository,
                "held",
                1,
                OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2),
                "{\"batching\": {\"adaptiveBatchSize\": false, \"maxQueueDelayMs\": " + delayMs + "}}");
    }

    @Test
    void drainFinishesInFlightRequestsAndRefusesNewOnes() throws Exception {
        heldModel(3000); // long enough for 5 requests to queue on a loaded machine
        TestServer pool = TestServer.start(repository);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<TestServer.Reply>> inFlight = new ArrayList<>();
            for (int i = 0; i < 5; i++) inFlight.add(clients.submit(() -> pool.post("/v2/models/held/infer", BODY)));
            awaitQueued(pool, 5);

            Future<Boolean> drain = clients.submit(() -> pool.server.drain(Duration.ofSeconds(10)));
            TestServer.Reply ready;
            do { // the drain has begun once readiness turns false
                ready = pool.get("/v2/health/ready");
            } while (ready.status() == 200);
            assertEquals("{\"ready\":false}", ready.text());
            TestServer.Reply refused = pool.post("/v2/models/held/infer", BODY);
            assertEquals(503, refused.status(), refused::text);
            assertEquals("1", refused.header("retry-after"));

            assertTrue(drain.get(), "the drain timed out");
            for (Future<TestServer.Reply> request : inFlight)
                assertEquals(200, request.get().status());
        } finally {
            pool.close();
        }
        assertTrue(pool.log().contains("\"message\":\"drained\""), pool.log());
    }

    @Test
    void sigtermDrainsARealServerProcess() throws Exception {
        heldModel(5000); // 3 requests to a new JVM queue within it on a loaded machine
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log =
                repository.resolve("server.log"); // a file, not a pipe: the JDK closes a pipe under its reader at exit
        ProcessBuilder server = new ProcessBuilder(
                java,
                "-cp",
                classPath, // a long command line, as a container's entrypoint has: OrtRuntime must cope with it
                GpuServer.class.getName(),
                "--models",
                repository.toString(),
                "--port",
                "0",
                "--management-port",
                "0",
                "--execution-provider",
                "cpu");
        Process process =
                server.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(log).contains("\"message\":\"ready\"")) {
                assertTrue(
                        process.isAlive() && System.nanoTime() < deadline,
                        () -> "the server did not start: " + read(log));
                Thread.sleep(20);
            }
            int port = -1;
            for (String line : Files.readAllLines(log)) {
                if (line.contains("\"message\":\"listening\""))
                    port = TestServer.JSON.readTree(line).get("port").asInt();
            }
            TestServer.Client client = new TestServer.Client(port);
            List<Future<TestServer.Reply>> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++)
                inFlight.add(clients.submit(
                        () -> client.send("POST", "/v2/models/held/infer", BODY.getBytes(StandardCharsets.UTF_8))));
            while (BatchingTest.metric(client.send("GET", "/metrics", null).text(), "skiff_queue_depth", "held") < 3) {
                assertTrue(System.nanoTime() < deadline, "the requests never queued");
                Thread.sleep(10);
            }

            process.destroy(); // SIGTERM

            for (Future<TestServer.Reply> request : inFlight)
                assertEquals(200, request.get().status());
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the server did not exit");
            assertTrue(
                    Files.readString(log).contains("\"message\":\"drained\""),
                    () -> "no drain in the log: " + read(log));
        } finally {
            process.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static void awaitQueued(TestServer pool, int requests) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (BatchingTest.metric(pool.get("/metrics").text(), "skiff_queue_depth", "held") < requests) {
            assertTrue(System.nanoTime() < deadline, "the requests never queued");
            Thread.sleep(10);
        }
    }
}
