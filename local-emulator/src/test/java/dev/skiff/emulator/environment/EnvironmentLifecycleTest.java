package dev.skiff.emulator.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.support.CollectingLog;
import dev.skiff.emulator.support.Templates;
import dev.skiff.emulator.support.TestFunctionPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Cold start, warm reuse, scale-out, scale to zero and hot reload, with real environment processes. */
class EnvironmentLifecycleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;

    static Emulator emulator;
    static CollectingLog log = new CollectingLog();

    @BeforeAll
    static void start() throws Exception {
        TestFunctionPackage.javaPackage(directory.resolve("reloaded"), "one");
        TestFunctionPackage.javaPackage(directory.resolve("idle"), "idle");
        Path template = Templates.write(directory, """
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: java21
                    Handler: %s
                    MemorySize: 256
                Resources:
                  Reloaded:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: reloaded
                      AutoPublishAlias: live
                  Idle:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: idle
                      Timeout: 10
                """.formatted(Templates.HANDLER));
        emulator = Emulator.start(Emulator.Options.defaults(template)
                .withIdleTimeout(Duration.ofSeconds(2))
                .withLog(log));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static JsonNode invoke(String function, String qualifier, String payload) throws Exception {
        InvocationResult result = emulator.invoker()
                .invoke(function, qualifier, payload.getBytes(StandardCharsets.UTF_8), null)
                .get(60, TimeUnit.SECONDS);
        assertNull(result.functionError(), result.payloadText());
        return JSON.readTree(result.payload());
    }

    private static EnvironmentPool pool(String function) {
        return emulator.registry().find(function).function().pool();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < until, "timed out waiting until " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void idleEnvironmentsStopAndTheNextRequestStartsCold() throws Exception {
        long firstPid = invoke("Idle", null, "{}").get("pid").asLong();
        long warmPid = invoke("Idle", null, "{}").get("pid").asLong();
        assertEquals(firstPid, warmPid, "a warm environment is reused");
        assertEquals(1, pool("Idle").size());

        await("the idle environment stopped", () -> pool("Idle").size() == 0);
        assertTrue(ProcessHandle.of(firstPid).map(p -> !p.isAlive()).orElse(true), "its process is gone");

        long reportsWithInit = log.lines().stream()
                .filter(l -> l.startsWith("[Idle] REPORT") && l.contains("Init Duration"))
                .count();
        long coldPid = invoke("Idle", null, "{}").get("pid").asLong();
        assertNotEquals(firstPid, coldPid);
        assertEquals(
                reportsWithInit + 1,
                log.lines().stream()
                        .filter(l -> l.startsWith("[Idle] REPORT") && l.contains("Init Duration"))
                        .count(),
                "the cold start reports its Init Duration");
    }

    @Test
    void parallelRequestsStartMoreEnvironments() throws Exception {
        List<CompletableFuture<InvocationResult>> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(emulator.invoker()
                    .invoke("Idle", null, "{\"cmd\":\"act:sleep:1000\"}".getBytes(StandardCharsets.UTF_8), null));
        }
        Set<Long> pids = new HashSet<>();
        for (CompletableFuture<InvocationResult> result : running) {
            InvocationResult done = result.get(60, TimeUnit.SECONDS);
            assertNull(done.functionError(), done.payloadText());
            pids.add(JSON.readTree(done.payload()).get("pid").asLong());
        }
        assertEquals(3, pids.size(), "one environment per concurrent request");
    }

    @Test
    void changedCodeIsServedWithoutRestartingByLatestWhileVersionOneKeepsItsSnapshot() throws Exception {
        JsonNode before = invoke("Reloaded", "$LATEST", "{}");
        assertEquals("one", before.get("marker").asText());

        Files.writeString(directory.resolve("reloaded/marker.txt"), "two");
        await("the new code is served", () -> {
            try {
                return invoke("Reloaded", "$LATEST", "{}")
                        .get("marker")
                        .asText()
                        .equals("two");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        JsonNode after = invoke("Reloaded", "$LATEST", "{}");
        assertNotEquals(before.get("pid").asLong(), after.get("pid").asLong(), "a fresh environment");
        JsonNode live = invoke("Reloaded", "live", "{}");
        assertEquals("1", live.get("version").asText(), "the alias still points at version 1");
        assertEquals("one", live.get("marker").asText(), "version 1 runs the code it was published with");
        assertTrue(log.count("code changed") >= 1);
    }
}
