package dev.skiff.gpu.bench;

import dev.skiff.gpu.GpuServer;
import dev.skiff.gpu.ServerCommand;
import dev.skiff.gpu.ServerOptions;
import dev.skiff.gpu.batching.BatchPolicy;
import dev.skiff.gpu.batching.DynamicBatcher;
import dev.skiff.gpu.batching.RowBatch;
import dev.skiff.gpu.observability.PoolMetrics;
import dev.skiff.gpu.provider.ExecutionProvider;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.Tensor;

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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dynamic batching on versus off, side by side in one run: per model, two servers in this process
 * (same model and provider, one with --batching off), closed-loop HTTP clients over loopback at
 * each client count, many short measured rounds interleaved on, off, off, on, ... so both modes
 * see the same machine (on a shared machine other work comes in bursts of seconds: short
 * alternating rounds spread each burst over both modes). Then the cost of one model run by rows,
 * called directly. Not a test: run it by hand (gpu-fallback/BENCHMARK.md has the command). Its
 * length is fixed by the flags: models x (2 x warm-up + client counts x 2 modes x (rounds x
 * seconds + seconds)), printed before it starts.
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

    /** A model to load from a repository, and one request body per seed (one row each). */
    private record Scenario(String model, Path repository, IntFunction<String> body) {}

    private final Duration round;
    private final int rounds;
    private final Duration warmUp;
    private final String provider;
    /** Both servers with batching off (an A/A run): how far apart the same code measures on this machine. */
    private final boolean control;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private BatchingBenchmark(Duration round, int rounds, Duration warmUp, String provider, boolean control) {
        this.round = round;
        this.control = control;
        this.rounds = rounds;
        this.warmUp = warmUp;
        this.provider = provider;
    }

    /**
     * Flags: --models DIR (examples/models), --pool-models DIR (examples/pool-models; a model is
     * loaded from --models when it has a folder there), --only fraud,minilm,dense, --clients
     * 1,4,16,32,64, --seconds 0.5 (one measured round), --rounds 16 (per mode and client count),
     * --warmup-seconds 2 (per mode and model, at the highest client count, before measuring),
     * --execution-provider auto, --control on (both servers with batching off: the "on" column
     * then measures the noise between two identical servers), --overhead-only on (only the queue's
     * own cost for a lone request, on and off: seconds), --out FILE (the tables, as Markdown).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> flags = flags(args);
        if (flags.getOrDefault("--overhead-only", "off").equals("on")) {
            StringBuilder table = new StringBuilder();
            queueOverhead(table);
            System.out.print(table);
            return;
        }
        Path models = Path.of(flags.getOrDefault("--models", "examples/models"));
        Path poolModels = Path.of(flags.getOrDefault("--pool-models", "examples/pool-models"));
        int[] clientCounts = Arrays.stream(
                        flags.getOrDefault("--clients", "1,4,16,32,64").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        BatchingBenchmark bench = new BatchingBenchmark(
                Duration.ofMillis((long) (Double.parseDouble(flags.getOrDefault("--seconds", "0.5")) * 1000)),
                Integer.parseInt(flags.getOrDefault("--rounds", "16")),
                Duration.ofMillis((long) (Double.parseDouble(flags.getOrDefault("--warmup-seconds", "2")) * 1000)),
                flags.getOrDefault("--execution-provider", "auto"),
                flags.getOrDefault("--control", "off").equals("on"));
        List<Scenario> scenarios = new ArrayList<>();
        for (String model : flags.getOrDefault("--only", "fraud,minilm,dense").split(",")) {
            Path repository = Files.isDirectory(models.resolve(model)) ? models : poolModels;
            scenarios.add(new Scenario(model, repository, bodyFor(model)));
        }
        double plannedSeconds = scenarios.size()
                * (2 * bench.warmUp.toMillis() + clientCounts.length * 2 * (bench.rounds + 1) * bench.round.toMillis())
                / 1000.0;
        System.out.printf(Locale.ROOT, "planned: %.0f s of load, plus model loading%n", plannedSeconds);
        long started = System.nanoTime();

        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "%d x %.2f s measured per mode and client count, interleaved on/off; %d cores; %s%n%n",
                bench.rounds,
                bench.round.toMillis() / 1000.0,
                Runtime.getRuntime().availableProcessors(),
                bench.control
                        ? "CONTROL RUN: both servers have batching off"
                        : "closed-loop clients, one row per request"));
        table.append(
                "| model | clients | off req/s | on req/s | on/off | median round on/off | off p50 ms | on p50 ms | off p99 ms"
                        + " | on p99 ms | rows/run on | errors |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Scenario scenario : scenarios) bench.compare(table, scenario, clientCounts);
        for (Scenario scenario : scenarios) bench.runCosts(table, scenario);
        queueOverhead(table);
        table.append(String.format(Locale.ROOT, "%nwhole run: %.0f s%n", (System.nanoTime() - started) / 1e9));
        System.out.println();
        System.out.print(table);
        if (flags.containsKey("--out")) Files.writeString(Path.of(flags.get("--out")), table.toString());
    }

    private ServerOptions options(Scenario scenario) {
        return ServerCommand.parse(
                new String[] {
                    "--models",
                    scenario.repository.toString(),
                    "--only",
                    scenario.model,
                    "--port",
                    "0",
                    "--execution-provider",
                    provider,
                    "--management",
                    "off"
                },
                Map.of());
    }

    /** Both modes at every client count, rounds interleaved. */
    private void compare(StringBuilder table, Scenario scenario, int[] clientCounts) throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream()); // request lines would swamp the figures
        ServerOptions on = options(scenario);
        try (GpuServer batching = GpuServer.start(control ? on.with(0, false) : on, quiet);
                GpuServer unbatched = GpuServer.start(on.with(0, false), quiet)) {
            String[] bodies = new String[64];
            for (int i = 0; i < bodies.length; i++) bodies[i] = scenario.body.apply(i);
            int most = Arrays.stream(clientCounts).max().orElse(1);
            drive(batching, scenario.model, bodies, most, warmUp); // both modes' code paths compiled
            drive(unbatched, scenario.model, bodies, most, warmUp);
            for (int clients : clientCounts) {
                System.out.printf(Locale.ROOT, "== %s, %d clients%n", scenario.model, clients);
                drive(batching, scenario.model, bodies, clients, round); // connections open at this count
                drive(unbatched, scenario.model, bodies, clients, round);
                List<Sample> onSamples = new ArrayList<>(), offSamples = new ArrayList<>();
                double[] ratios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    boolean onFirst = r % 2 == 0; // on, off, off, on, ...: neither mode always goes first
                    Sample first = measure(onFirst ? batching : unbatched, scenario.model, bodies, clients);
                    Sample second = measure(onFirst ? unbatched : batching, scenario.model, bodies, clients);
                    Sample onSample = onFirst ? first : second, offSample = onFirst ? second : first;
                    onSamples.add(onSample);
                    offSamples.add(offSample);
                    ratios[r] = onSample.throughput() / offSample.throughput();
                    System.out.printf(Locale.ROOT, " %.2f", ratios[r]);
                }
                System.out.println(" (on/off by round)");
                Result resultOn = Result.of(onSamples), resultOff = Result.of(offSamples);
                table.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %.1f | %.1f | %.2fx | %.2fx | %.1f | %.1f | %.1f | %.1f | %.2f | %d |%n",
                        scenario.model,
                        clients,
                        resultOff.throughput(),
                        resultOn.throughput(),
                        resultOn.throughput() / resultOff.throughput(),
                        median(ratios),
                        resultOff.percentileMs(50),
                        resultOn.percentileMs(50),
                        resultOff.percentileMs(99),
                        resultOn.percentileMs(99),
                        resultOn.rowsPerRun(),
                        resultOn.errors() + resultOff.errors()));
            }
        }
    }

    /** One measured round of one mode. */
    private record Sample(
            long requests, long errors, double seconds, long[] latenciesMicros, double runs, double rows) {
        double throughput() {
            return requests / seconds;
        }
    }

    /** One mode's rounds together. */
    private record Result(long requests, long errors, double seconds, long[] sortedMicros, double runs, double rows) {
        static Result of(List<Sample> samples) {
            long requests = 0, errors = 0;
            double seconds = 0, runs = 0, rows = 0;
            for (Sample s : samples) {
                requests += s.requests;
                errors += s.errors;
                seconds += s.seconds;
                runs += s.runs;
                rows += s.rows;
            }
            long[] all = samples.stream()
                    .flatMapToLong(s -> Arrays.stream(s.latenciesMicros))
                    .sorted()
                    .toArray();
            return new Result(requests, errors, seconds, all, runs, rows);
        }

        double throughput() {
            return requests / seconds;
        }

        double percentileMs(double p) {
            if (sortedMicros.length == 0) return Double.NaN;
            int i = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
            return sortedMicros[Math.max(0, i)] / 1000.0;
        }

        double rowsPerRun() {
            return runs == 0 ? Double.NaN : rows / runs;
        }
    }

    private Sample measure(GpuServer server, String model, String[] bodies, int clients) throws Exception {
        String before = new String(server.metrics().scrape(), StandardCharsets.UTF_8);
        long start = System.nanoTime();
        Load load = drive(server, model, bodies, clients, round);
        double seconds = (System.nanoTime() - start) / 1e9;
        String after = new String(server.metrics().scrape(), StandardCharsets.UTF_8);
        return new Sample(
                load.ok,
                load.errors,
                seconds,
                load.latencies,
                delta(before, after, "skiff_batch_rows_count", model),
                delta(before, after, "skiff_batch_rows_sum", model));
    }

    private record Load(long ok, long errors, long[] latencies) {}

    /** Every client sends one request after another until the time is up. */
    private Load drive(GpuServer server, String model, String[] bodies, int clients, Duration duration)
            throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v2/models/" + model + "/infer");
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong errors = new AtomicLong();
        List<Future<long[]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    long[] latencies = new long[256];
                    int n = 0;
                    for (int i = client; System.nanoTime() < end; i++) {
                        HttpRequest request = HttpRequest.newBuilder(uri)
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(bodies[i % bodies.length]))
                                .build();
                        long t = System.nanoTime();
                        HttpResponse<byte[]> response;
                        try {
                            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        } catch (IOException e) { // a broken connection is an error of the run, not its end
                            errors.incrementAndGet();
                            continue;
                        }
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

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
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

    /**
     * One row's request for the model's family, told by its name: fraud..., minilm... (such as the
     * fp32 minilm that bin/cuda-check serves as minilm-fp32) or dense....
     */
    private static IntFunction<String> bodyFor(String model) {
        if (model.startsWith("fraud")) return BatchingBenchmark::fraudBody;
        if (model.startsWith("minilm")) return BatchingBenchmark::minilmBody;
        if (model.startsWith("dense")) return BatchingBenchmark::denseBody;
        throw new IllegalArgumentException("--only: a model named fraud..., minilm... or dense..., not " + model);
    }

    /** One text per request, as embedding clients mostly send. */
    private static String minilmBody(int seed) {
        String text = TEXTS[seed % TEXTS.length];
        return "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"" + text + "\"]}]}";
    }

    /** One transaction per request. */
    private static String fraudBody(int seed) {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 8; i++) data.append(i == 0 ? "" : ",").append((seed * 7919 >> i) % 97 + i * 0.5);
        return "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,8],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
    }

    /** One row of 256 features in [-1, 1). */
    private static String denseBody(int seed) {
        Random random = new Random(seed);
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 256; i++)
            data.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", random.nextFloat() * 2 - 1));
        return "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,256],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}";
    }

    /** What one model run costs by rows, called directly (no HTTP, no queue): whether merging can pay at all. */
    private void runCosts(StringBuilder table, Scenario scenario) throws Exception {
        try (GpuServer server = GpuServer.start(options(scenario), new PrintStream(OutputStream.nullOutputStream()))) {
            ModelVersion version = server.registry().model(scenario.model).latest();
            table.append(String.format(
                    Locale.ROOT,
                    "%n%s, one run called directly (%s)%s:%n%n| rows | ms/run | ms/row |%n|---|---:|---:|%n",
                    scenario.model,
                    server.provider().label(),
                    version.config().batchInvariant() ? "" : " (batchInvariant false: rows run one by one)"));
            for (int rows : new int[] {1, 8, 32}) {
                InferRequest request = rowsOf(version, scenario.body, rows);
                for (int i = 0; i < 3; i++) version.infer(request); // warm this shape
                int repeats = Math.max(5, 100 / rows);
                long start = System.nanoTime();
                for (int i = 0; i < repeats; i++) version.infer(request);
                double ms = (System.nanoTime() - start) / 1e6 / repeats;
                table.append(String.format(Locale.ROOT, "| %d | %.2f | %.3f |%n", rows, ms, ms / rows));
            }
        }
    }

    /**
     * What the queue itself costs a lone request, on and off, without HTTP or a model: one caller
     * submits a one-row request and waits for its answer from an instance that answers at once.
     * Rounds interleaved; the figure is the mean round trip through queue, scheduler and worker.
     */
    private static void queueOverhead(StringBuilder table) throws Exception {
        PoolMetrics metrics = new PoolMetrics(ExecutionProvider.cpu("benchmark"));
        DynamicBatcher.Instance echo = request -> new InferResponse("m", "1", request.id(), request.inputs(), false);
        DynamicBatcher on =
                new DynamicBatcher("on", "1", List.of(echo), new BatchPolicy(true, 64, false, 0, 256), metrics);
        DynamicBatcher off =
                new DynamicBatcher("off", "1", List.of(echo), new BatchPolicy(false, 64, false, 0, 256), metrics);
        InferRequest request = new InferRequest(
                null,
                Map.of(),
                List.of(Tensor.ofFloats("features", new long[] {1, 8}, new float[8])),
                List.of(),
                false);
        int rounds = 20, perRound = 20_000;
        long onNanos = 0, offNanos = 0;
        for (int r = 0; r < rounds + 2; r++) { // the first two rounds warm up
            boolean onFirst = r % 2 == 0;
            long first = lonely(onFirst ? on : off, request, perRound);
            long second = lonely(onFirst ? off : on, request, perRound);
            if (r < 2) continue;
            onNanos += onFirst ? first : second;
            offNanos += onFirst ? second : first;
        }
        for (DynamicBatcher batcher : List.of(on, off)) {
            batcher.retire();
            batcher.awaitStopped(Duration.ofSeconds(5));
        }
        table.append(String.format(
                Locale.ROOT,
                "%nA lone request through the queue (no HTTP, no model), %d x %,d requests per mode, interleaved:"
                        + "%n%n| batching | µs per request |%n|---|---:|%n| on | %.2f |%n| off | %.2f |%n",
                rounds,
                perRound,
                onNanos / 1e3 / rounds / perRound,
                offNanos / 1e3 / rounds / perRound));
    }

    private static long lonely(DynamicBatcher batcher, InferRequest request, int count) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) batcher.submit(request).get();
        return System.nanoTime() - start;
    }

    /** One request of the given rows, built from single-row bodies. */
    private static InferRequest rowsOf(ModelVersion version, IntFunction<String> body, int rows) {
        List<InferRequest> singles = new ArrayList<>();
        for (int i = 0; i < rows; i++)
            singles.add(version.parser().parse(body.apply(i).getBytes(StandardCharsets.UTF_8)));
        return RowBatch.merge(singles);
    }

    private static Map<String, String> flags(String[] args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) flags.put(args[i], args[i + 1]);
        return flags;
    }
}
