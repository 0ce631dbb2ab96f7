package dev.skiff.gpu.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.gpu.GpuServer;
import dev.skiff.gpu.ServerCommand;
import dev.skiff.gpu.ServerOptions;
import dev.skiff.gpu.batching.RowBatch;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.InferRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dynamic batching on versus off, side by side in one run: two servers in this process (same
 * model, same provider, one with --batching off), 32 concurrent HTTP clients over loopback,
 * alternating measured rounds so both modes see the same machine. Not a test: run it by hand
 * (gpu-fallback/README.md).
 * <p>Scenarios: minilm as configured (batchInvariant false: its requests never share a run, so
 * "on" only queues); minilm with batchInvariant forced true, to show what merging would give
 * (answers would then depend on batch-mates: not how it is served); fraud, which is
 * batch-invariant, with the default 5 ms window and with none (merging only what queued while
 * the previous run ran). Then the cost of one run by rows, called directly, for both models.
 */
public final class BatchingBenchmark {
    private static final String[] TEXTS = {
        "My card was charged twice for the same purchase.",
        "I see a duplicate transaction on my statement.",
        "Where is my refund?",
        "How do I reset my online banking password?",
        "The ATM kept my card and did not dispense any cash, what should I do now?",
        "Can I raise the limit on my credit card?",
        "Someone in another country used my card number without my permission.",
        "Please close my savings account.",
        "Why was my transfer to a friend declined this morning?",
        "What is the interest rate on the premium account?",
        "I lost my phone with the banking app on it.",
        "Is there a fee for paying in euros?",
        "My salary has not arrived yet although my employer says it was sent on Friday.",
        "Change my address, please.",
        "How long does an international wire take to arrive?",
        "The merchant refunded me but I still do not see the money."
    };

    private final int clients;
    private final Duration round;
    private final int rounds;
    private final Duration warmUp;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private BatchingBenchmark(int clients, Duration round, int rounds, Duration warmUp) {
        this.clients = clients;
        this.round = round;
        this.rounds = rounds;
        this.warmUp = warmUp;
    }

    /** What one mode measured, over all its rounds. */
    private record Result(
            long requests,
            long errors,
            double seconds,
            long[] latenciesMicros,
            double runs,
            double runSeconds,
            double rowsPerRun,
            double requestsPerRun) {
        double throughput() {
            return requests / seconds;
        }

        double percentileMs(double p) {
            if (latenciesMicros.length == 0) return Double.NaN;
            int i = (int) Math.ceil(p / 100.0 * latenciesMicros.length) - 1;
            return latenciesMicros[Math.max(0, i)] / 1000.0;
        }

        double meanRunMs() {
            return runs == 0 ? Double.NaN : runSeconds / runs * 1000;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = flags(args);
        Path models = Path.of(flags.getOrDefault("--models", "examples/models"));
        BatchingBenchmark bench = new BatchingBenchmark(
                Integer.parseInt(flags.getOrDefault("--clients", "32")),
                Duration.ofSeconds(Long.parseLong(flags.getOrDefault("--seconds", "8"))),
                Integer.parseInt(flags.getOrDefault("--rounds", "2")),
                Duration.ofSeconds(Long.parseLong(flags.getOrDefault("--warmup-seconds", "3"))));
        String provider = flags.getOrDefault("--execution-provider", "auto");
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "%d clients, %d x %d s measured per mode, alternating; %d cores%n%n",
                bench.clients,
                bench.rounds,
                bench.round.toSeconds(),
                Runtime.getRuntime().availableProcessors()));
        table.append(
                "| scenario | batching | provider | req/s | p50 ms | p99 ms | requests/run | rows/run | run ms | errors | on/off |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|\n");

        Path variants = Files.createTempDirectory("skiff-bench");
        Path mergedMinilm = variant(models.resolve("minilm"), variants.resolve("merged"), "batchInvariant", true);
        Path greedyFraud = variant(models.resolve("fraud"), variants.resolve("greedy"), "maxQueueDelayMs", 0);
        bench.scenario(
                table,
                "minilm (batchInvariant false: never merged)",
                models,
                "minilm",
                provider,
                BatchingBenchmark::minilmBody);
        bench.scenario(
                table,
                "minilm, batchInvariant forced true (what-if)",
                mergedMinilm,
                "minilm",
                provider,
                BatchingBenchmark::minilmBody);
        bench.scenario(
                table,
                "fraud (batch-invariant, maxQueueDelayMs 5)",
                models,
                "fraud",
                provider,
                BatchingBenchmark::fraudBody);
        bench.scenario(
                table,
                "fraud, maxQueueDelayMs 0 (merge what queued meanwhile)",
                greedyFraud,
                "fraud",
                provider,
                BatchingBenchmark::fraudBody);
        runCosts(table, mergedMinilm, "minilm", provider, BatchingBenchmark::minilmBody);
        runCosts(table, models, "fraud", provider, BatchingBenchmark::fraudBody);
        System.out.println();
        System.out.print(table);
        if (flags.containsKey("--out")) Files.writeString(Path.of(flags.get("--out")), table.toString());
    }

    private void scenario(
            StringBuilder table, String name, Path models, String model, String provider, IntFunction<String> body)
            throws Exception {
        ServerOptions on = ServerCommand.parse(
                new String[] {
                    "--models",
                    models.toString(),
                    "--only",
                    model,
                    "--port",
                    "0",
                    "--execution-provider",
                    provider,
                    "--management",
                    "off"
                },
                Map.of());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream()); // request lines would swamp the figures
        try (GpuServer batching = GpuServer.start(on, quiet);
                GpuServer unbatched = GpuServer.start(on.with(0, false), quiet)) {
            String path = "/v2/models/" + model + "/infer";
            System.out.println("== " + name + ": warming up");
            drive(batching, path, body, warmUp);
            drive(unbatched, path, body, warmUp);
            List<Sample> onSamples = new ArrayList<>(), offSamples = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                onSamples.add(measure(batching, model, path, body));
                offSamples.add(measure(unbatched, model, path, body));
                System.out.printf(
                        Locale.ROOT,
                        "   round %d: on %.1f req/s, off %.1f req/s%n",
                        r + 1,
                        onSamples.get(r).requests / onSamples.get(r).seconds,
                        offSamples.get(r).requests / offSamples.get(r).seconds);
            }
            Result resultOn = combine(onSamples), resultOff = combine(offSamples);
            String label = batching.provider().label();
            row(
                    table,
                    name,
                    "on",
                    label,
                    resultOn,
                    String.format(Locale.ROOT, "%.2fx", resultOn.throughput() / resultOff.throughput()));
            row(table, name, "off", unbatched.provider().label(), resultOff, "");
            double delayMs = batching.registry().model(model).latest().config().maxQueueDelayMs();
            System.out.printf(
                    Locale.ROOT,
                    "   p99 bound (maxQueueDelay + 2 runs): %.1f ms; batching p99 %.1f ms%n",
                    delayMs + 2 * resultOn.meanRunMs(),
                    resultOn.percentileMs(99));
        }
    }

    private record Sample(
            long requests,
            long errors,
            double seconds,
            long[] latencies,
            double runs,
            double runSeconds,
            double requestsMerged,
            double rows) {}

    private Sample measure(GpuServer server, String model, String path, IntFunction<String> body) throws Exception {
        String before = new String(server.metrics().scrape(), StandardCharsets.UTF_8);
        long start = System.nanoTime();
        Load load = drive(server, path, body, round);
        double seconds = (System.nanoTime() - start) / 1e9;
        String after = new String(server.metrics().scrape(), StandardCharsets.UTF_8);
        return new Sample(
                load.ok,
                load.errors,
                seconds,
                load.latencies,
                delta(before, after, "skiff_inference_duration_seconds_count", model),
                delta(before, after, "skiff_inference_duration_seconds_sum", model),
                delta(before, after, "skiff_batch_requests_sum", model),
                delta(before, after, "skiff_batch_rows_sum", model));
    }

    private record Load(long ok, long errors, long[] latencies) {}

    /** Every client sends one request after another until the time is up. */
    private Load drive(GpuServer server, String path, IntFunction<String> body, Duration duration) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + path);
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong errors = new AtomicLong();
        List<Future<long[]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                results.add(pool.submit(() -> {
                    long[] latencies = new long[1024];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        HttpRequest request = HttpRequest.newBuilder(uri)
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        body.apply(ThreadLocalRandom.current().nextInt(1 << 20))))
                                .build();
                        long t = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        long micros = (System.nanoTime() - t) / 1000;
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                            continue;
                        }
                        if (n == latencies.length) latencies = Arrays.copyOf(latencies, n * 2);
                        latencies[n++] = micros;
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> result : results) all.add(result.get());
            long[] merged = all.stream().flatMapToLong(Arrays::stream).toArray();
            return new Load(merged.length, errors.get(), merged);
        }
    }

    private static Result combine(List<Sample> samples) {
        long requests = 0, errors = 0;
        double seconds = 0, runs = 0, runSeconds = 0, rows = 0, merged = 0;
        List<long[]> latencies = new ArrayList<>();
        for (Sample s : samples) {
            requests += s.requests;
            errors += s.errors;
            seconds += s.seconds;
            runs += s.runs;
            runSeconds += s.runSeconds;
            rows += s.rows;
            merged += s.requestsMerged;
            latencies.add(s.latencies);
        }
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(
                requests,
                errors,
                seconds,
                all,
                runs,
                runSeconds,
                runs == 0 ? 0 : rows / runs,
                runs == 0 ? 0 : merged / runs);
    }

    private static void row(StringBuilder table, String name, String mode, String provider, Result r, String ratio) {
        table.append(String.format(
                Locale.ROOT,
                "| %s | %s | %s | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %d | %s |%n",
                name,
                mode,
                provider,
                r.throughput(),
                r.percentileMs(50),
                r.percentileMs(99),
                r.requestsPerRun(),
                r.rowsPerRun(),
                r.meanRunMs(),
                r.errors(),
                ratio));
    }

    private static double delta(String before, String after, String series, String model) {
        return value(after, series, model) - value(before, series, model);
    }

    private static double value(String text, String series, String model) {
        Matcher m = Pattern.compile("(?m)^" + series + "\\{[^}]*model=\"" + model + "\"[^}]*} (\\S+)$")
                .matcher(text);
        double sum = 0;
        while (m.find()) sum += Double.parseDouble(m.group(1));
        return sum;
    }

    /** One text per request, as embedding clients mostly send. */
    private static String minilmBody(int seed) {
        String text = TEXTS[seed % TEXTS.length];
        return "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"" + text + "\"]}]}";
    }

    /** One transaction per request. */
    private static String fraudBody(int seed) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 8; i++) data.append(i == 0 ? "" : ",").append((seed >> i) % 97 + i * 0.5);
        return "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
    }

    /** A repository holding the model's files, linked, and its config with one field changed. */
    private static Path variant(Path modelDir, Path root, String field, Object value) throws IOException {
        Path copy = root.resolve(modelDir.getFileName());
        Files.createDirectories(copy.resolve("1"));
        try (var files = Files.list(modelDir.resolve("1"))) {
            for (Path file : files.toList())
                Files.createSymbolicLink(copy.resolve("1").resolve(file.getFileName()), file.toAbsolutePath());
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config =
                (ObjectNode) json.readTree(modelDir.resolve("config.json").toFile());
        if (field.equals("maxQueueDelayMs")) {
            ObjectNode batching =
                    config.has("batching") ? (ObjectNode) config.get("batching") : config.putObject("batching");
            batching.put(field, (Integer) value);
        } else {
            config.put(field, (Boolean) value);
        }
        json.writeValue(copy.resolve("config.json").toFile(), config);
        return root;
    }

    /** What one model run costs by rows, called directly (no HTTP, no queue): whether merging can pay at all. */
    private static void runCosts(
            StringBuilder table, Path models, String model, String provider, IntFunction<String> body)
            throws Exception {
        ServerOptions options = ServerCommand.parse(
                new String[] {
                    "--models",
                    models.toString(),
                    "--only",
                    model,
                    "--port",
                    "0",
                    "--execution-provider",
                    provider,
                    "--management",
                    "off"
                },
                Map.of());
        try (GpuServer server = GpuServer.start(options, new PrintStream(OutputStream.nullOutputStream()))) {
            ModelVersion version = server.registry().model(model).latest();
            table.append(String.format(
                    Locale.ROOT,
                    "%n%s, one run called directly (%s):%n%n| rows | ms/run | ms/row |%n|---|---|---|%n",
                    model,
                    server.provider().label()));
            for (int rows : new int[] {1, 8, 32}) {
                InferRequest request = rowsOf(version, body, rows);
                for (int i = 0; i < 3; i++) version.infer(request); // warm this shape
                int repeats = Math.max(5, 200 / rows);
                long start = System.nanoTime();
                for (int i = 0; i < repeats; i++) version.infer(request);
                double ms = (System.nanoTime() - start) / 1e6 / repeats;
                table.append(String.format(Locale.ROOT, "| %d | %.2f | %.3f |%n", rows, ms, ms / rows));
            }
        }
    }

    /** One request of the given rows, built from single-row bodies. */
    private static InferRequest rowsOf(ModelVersion version, IntFunction<String> body, int rows) {
        List<InferRequest> singles = new ArrayList<>();
        for (int i = 0; i < rows; i++)
            singles.add(version.parser().parse(body.apply(i * 7919).getBytes(StandardCharsets.UTF_8)));
        return RowBatch.merge(singles);
    }

    private static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) flags.put(args[i], args[i + 1]);
        return flags;
    }
}
