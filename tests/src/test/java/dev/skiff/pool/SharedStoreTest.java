package dev.skiff.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.deployer.cli.SkiffCli;
import dev.skiff.gpu.GpuServer;
import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.store.InProcessS3;
import dev.skiff.store.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The GPU pool as one system: gpu-fallback processes on one model store in S3 (Adobe's S3Mock in
 * this JVM; the processes reach it through the AWS SDK with an endpoint override), released with
 * the skiff command line. Every task follows the store within its poll interval; no alias state
 * lives in a task, so a task killed with SIGKILL loses none and one started later serves the same.
 * The figures it prints go into the issue's note.
 */
class SharedStoreTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String STORE = "s3://pool/models";
    static final int POLL_SECONDS = 1;
    /** Requests per canary check: 20 ± 4 % of 2,500 is ± 5 standard deviations, so a right split never fails by chance. */
    static final int CANARY_REQUESTS = 2500;

    static final String BODY = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1,2]}]}";
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @TempDir
    Path temp;

    @Test
    void everyTaskFollowsTheStoreAndNoneHoldsState() throws Exception {
        System.setProperty("aws.accessKeyId", InProcessS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", InProcessS3.SECRET_KEY);
        try (InProcessS3 s3 = new InProcessS3(Files.createDirectories(temp.resolve("s3")), "pool");
                ModelStore store = ModelStore.s3(s3.client(), STORE)) {
            publish(store, 1);
            publish(store, 2);
            skiff(s3, 0, "promote", "fraud", "--to", "1");

            List<Pool> pools = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) pools.add(Pool.start(temp.resolve("pool-" + i), s3.endpoint()));
                for (Pool pool : pools) pool.awaitReady();
                assertEquals(Map.of("1", 300), spread(pools, 300), "live on version 1 everywhere");

                // a 20 % canary, then, once every task has polled it, CANARY_REQUESTS requests over the three
                skiff(s3, 0, "promote", "fraud", "--to", "2", "--canary", "20");
                long polled = System.nanoTime();
                for (Pool pool : pools) pool.awaitLiveRoute(AliasDocument.ADDITIONAL_VERSION_WEIGHTS);
                long routedMs = (System.nanoTime() - polled) / 1_000_000;
                Map<String, Integer> split = spread(pools, CANARY_REQUESTS);
                System.out.println("[shared-store] after promote --canary 20, every task routed it in "
                        + routedMs + " ms; " + CANARY_REQUESTS
                        + " requests over 3 tasks: " + split);
                assertCanary(split);

                // a task started afterwards serves the same split
                Pool fourth = Pool.start(temp.resolve("pool-3"), s3.endpoint());
                pools.add(fourth);
                fourth.awaitReady();
                Map<String, Integer> late = spread(List.of(fourth), CANARY_REQUESTS);
                System.out.println(
                        "[shared-store] a fourth task started later, " + CANARY_REQUESTS + " requests: " + late);
                assertCanary(late);

                // kill -9 of one task during traffic: the others answer throughout, the store keeps the aliases
                AliasRoute before = store.aliases().document().route("fraud", "live");
                Load load = Load.start(pools.subList(1, 4));
                Thread.sleep(300);
                int killedManagementPort = pools.get(0).port()[1];
                pools.get(0).process.destroyForcibly(); // SIGKILL
                pools.get(0).process.waitFor();
                Thread.sleep(500);
                Load.Counts killed = load.stop();
                System.out.println("[shared-store] kill -9 of one task during traffic on the other three: " + killed);
                assertEquals(0, killed.failed(), "the other tasks answered every request");
                assertEquals(before, store.aliases().document().route("fraud", "live"), "no alias state lost");
                Pool restarted = Pool.start(temp.resolve("pool-0b"), s3.endpoint());
                pools.set(0, restarted);
                restarted.awaitReady();
                Map<String, Integer> afterKill = spread(pools, CANARY_REQUESTS);
                System.out.println("[shared-store] after the kill, with a replacement task, " + CANARY_REQUESTS
                        + " requests over 4: " + afterKill);
                assertCanary(afterKill);

                // a new version uploaded to the store: served by every task, no restart, no failed request
                Load swap = Load.start(pools);
                publish(store, 3);
                skiff(s3, 0, "promote", "fraud", "--to", "3");
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!spread(pools, 40).equals(Map.of("3", 40))) {
                    assertTrue(System.nanoTime() < deadline, "every task serves version 3");
                    Thread.sleep(100);
                }
                Thread.sleep(300);
                Load.Counts swapped = swap.stop();
                System.out.println("[shared-store] version 3 uploaded and promoted under load on 4 tasks: " + swapped);
                assertEquals(0, swapped.failed(), "no failed request during the swap");
                assertTrue(swapped.versions().getOrDefault("3", 0) > 0, swapped::toString);

                // status: what the store says, and what each task serves (one of them no longer there)
                String status = skiff(
                        s3,
                        0,
                        "status",
                        "fraud",
                        "--pool-task",
                        "http://127.0.0.1:" + pools.get(1).port()[1],
                        "--pool-task",
                        "http://127.0.0.1:" + killedManagementPort);
                assertTrue(status.matches("(?s).*fraud +gpu-pool +s3://pool/models/ +1, 2, 3 +live +3 .*"), status);
                assertTrue(
                        status.matches(
                                "(?s).*127\\.0\\.0\\.1:" + pools.get(1).port()[1] + " +fraud +1, 2, 3 +live: 3.*"),
                        status);
                assertTrue(status.contains("unreachable"), status);
            } finally {
                for (Pool pool : pools) pool.process.destroyForcibly();
            }
        }
    }

    static void assertCanary(Map<String, Integer> split) {
        int total = split.values().stream().mapToInt(Integer::intValue).sum();
        int canary = split.getOrDefault("2", 0);
        assertEquals(total, split.getOrDefault("1", 0) + canary, "only versions 1 and 2: " + split);
        assertTrue(canary >= total * 16 / 100 && canary <= total * 24 / 100, "20 ± 4 % on version 2: " + split);
    }

    void publish(ModelStore store, int version) throws IOException {
        Path local = temp.resolve("package-" + version);
        Repositories.model(local, "fraud", version, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), "{}");
        store.publish("fraud", version, local.resolve("fraud"));
    }

    static String skiff(InProcessS3 s3, int expectedExit, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of("--pool-store", STORE, "--endpoint-url", s3.endpoint().toString(), "--region", "us-east-1"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = SkiffCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(expectedExit, cli.execute(all.toArray(String[]::new)), err::toString);
        System.out.print("[shared-store] skiff " + String.join(" ", args) + ": " + out);
        return out.toString();
    }

    /** Requests spread round-robin over the tasks: how many each version answered. */
    static Map<String, Integer> spread(List<Pool> pools, int requests) throws Exception {
        Map<String, Integer> versions = new java.util.TreeMap<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                Pool pool = pools.get(i % pools.size());
                answers.add(clients.submit(() -> pool.infer()));
            }
            for (Future<String> answer : answers) versions.merge(answer.get(), 1, Integer::sum);
        }
        return versions;
    }

    /** A load generator: clients sending requests round-robin to the tasks until stopped. */
    static final class Load {
        record Counts(int ok, int failed, Map<String, Integer> versions) {}

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger ok = new AtomicInteger();
        private final LongAdder failed = new LongAdder();
        private final Map<String, Integer> versions = new ConcurrentHashMap<>();
        private final ExecutorService clients = Executors.newFixedThreadPool(4);

        static Load start(List<Pool> pools) {
            Load load = new Load();
            for (int c = 0; c < 4; c++) {
                int first = c;
                load.clients.submit(() -> {
                    for (int i = first; load.running.get(); i++) {
                        try {
                            load.versions.merge(pools.get(i % pools.size()).infer(), 1, Integer::sum);
                            load.ok.incrementAndGet();
                        } catch (Exception | AssertionError e) {
                            load.failed.increment();
                        }
                    }
                });
            }
            return load;
        }

        Counts stop() throws InterruptedException {
            running.set(false);
            clients.shutdown();
            clients.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            return new Counts(ok.get(), failed.intValue(), new java.util.TreeMap<>(versions));
        }
    }

    /** A gpu-fallback process on the store, its log in a file, its ports (serving, management) read from it. */
    record Pool(Process process, Path log, int[] port) {
        static Pool start(Path dir, URI s3) throws IOException {
            Files.createDirectories(dir);
            String java = ProcessHandle.current().info().command().orElse("java");
            // the server's own logging (logback, JSON lines), not the slf4j-simple other tests here bind
            String classPath = Stream.of(
                            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                                    .split(File.pathSeparator))
                    .filter(entry -> !entry.contains("slf4j-simple"))
                    .collect(Collectors.joining(File.pathSeparator));
            // an @argfile: with every test jar, the class path nears the OS's limit on one argument
            Path arguments = dir.resolve("java.args");
            Files.writeString(arguments, "-cp \"" + classPath + "\"\n");
            Path log = dir.resolve("server.log");
            ProcessBuilder builder = new ProcessBuilder(
                    java,
                    "-Xmx256m",
                    "@" + arguments,
                    GpuServer.class.getName(),
                    "--models",
                    STORE,
                    "--store-endpoint",
                    s3.toString(),
                    "--store-cache",
                    dir.resolve("cache").toString(),
                    "--poll-seconds",
                    Integer.toString(POLL_SECONDS),
                    "--port",
                    "0",
                    "--management-port",
                    "0",
                    "--execution-provider",
                    "cpu");
            builder.environment().put("AWS_ACCESS_KEY_ID", InProcessS3.ACCESS_KEY);
            builder.environment().put("AWS_SECRET_ACCESS_KEY", InProcessS3.SECRET_KEY);
            builder.environment().put("AWS_REGION", "us-east-1");
            Process process = builder.redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new Pool(process, log, new int[] {-1, -1});
        }

        void awaitReady() throws Exception {
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (!Files.readString(log).contains("\"message\":\"ready\"")) {
                assertTrue(
                        process.isAlive() && System.nanoTime() < deadline,
                        () -> "not started" + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")") + ": "
                                + text());
                Thread.sleep(50);
            }
            for (String line : Files.readAllLines(log)) {
                if (line.contains("\"message\":\"listening\""))
                    port[0] = JSON.readTree(line).get("port").asInt();
                if (line.contains("\"message\":\"management listening\""))
                    port[1] = JSON.readTree(line).get("port").asInt();
            }
        }

        /** Until the task's management API answers the live alias with a route that holds the text. */
        void awaitLiveRoute(String text) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port[1] + "/v2/repository/models/fraud/aliases/live"))
                    .timeout(Duration.ofSeconds(30))
                    .build();
            long deadline = System.nanoTime() + 30_000_000_000L;
            String route;
            while (!(route = HTTP.send(request, HttpResponse.BodyHandlers.ofString())
                            .body())
                    .contains(text)) {
                assertTrue(System.nanoTime() < deadline, "the task never polled the new route: " + route);
                Thread.sleep(100);
            }
        }

        /** One inference: the version that answered. */
        String infer() throws Exception {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port[0] + "/v2/models/fraud/infer"))
                    .timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY))
                    .build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response::body);
            JsonNode answer = JSON.readTree(response.body());
            return answer.path("model_version").asText();
        }

        private String text() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }
}
