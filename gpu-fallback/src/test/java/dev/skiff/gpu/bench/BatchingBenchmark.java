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

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dynamic batching on versus off, side by side in one run: per model, three servers in this
 * process (same model and provider): batching on, off, and a second off server for an A/A control.
 * At each client count, closed-loop clients over loopback run many short blocks, each a measured
 * round of every server in an order that changes from block to block, so all three see the same
 * machine (on a shared machine other work comes in bursts of seconds). A cell's figure is the
 * median over blocks of the paired ratio on/off, with its interquartile range; the control's
 * off'/off beside it shows how far apart identical code measures in the same run. Then the cost
 * of one model run by rows, called directly. Not a test: run it by hand (gpu-fallback/BENCHMARK.md
 * has the command). Its length is fixed by the flags, printed before it starts.
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
    /** Blocks per cell: each one measured round of on, off and off'. */
    private final int blocks;

    private final Duration warmUp;
    private final String provider;
    /** Both servers with batching off (an A/A run): how far apart the same code measures on this machine. */
    private final boolean control;

    private BatchingBenchmark(Duration round, int blocks, Duration warmUp, String provider, boolean control) {
        this.round = round;
        this.control = control;
        this.blocks = blocks;
        this.warmUp = warmUp;
        this.provider = provider;
    }

    /**
     * Flags: --models DIR (examples/models), --pool-models DIR (examples/pool-models; a model is
     * loaded from --models when it has a folder there), --only fraud,minilm,dense, --clients
     * 1,4,16,32,64, --seconds 0.3 (one measured round), --rounds 20 (blocks per client count,
     * each a round of every server), --warmup-seconds 2 (per server and model, at the highest
     * client count, before measuring), --execution-provider auto, --control on (all three servers
     * with batching off: the "on" column then measures noise too), --overhead-only on (only the queue's
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
                Duration.ofMillis((long) (Double.parseDouble(flags.getOrDefault("--seconds", "0.3")) * 1000)),
                Integer.parseInt(flags.getOrDefault("--rounds", "20")),
                Duration.ofMillis((long) (Double.parseDouble(flags.getOrDefault("--warmup-seconds", "2")) * 1000)),
                flags.getOrDefault("--execution-provider", "auto"),
                flags.getOrDefault("--control", "off").equals("on"));
        List<Scenario> scenarios = new ArrayList<>();
        for (String model : flags.getOrDefault("--only", "fraud,minilm,dense").split(",")) {
            Path repository = Files.isDirectory(models.resolve(model)) ? models : poolModels;
            scenarios.add(new Scenario(model, repository, bodyFor(model)));
        }
        double plannedSeconds = scenarios.size()
                * (3 * bench.warmUp.toMillis()
                        + clientCounts.length * 3 * (bench.blocks + 0.5) * bench.round.toMillis())
                / 1000.0;
        System.out.printf(
                Locale.ROOT,
                "planned: %.0f s of measured load, plus switching between servers and model loading%n",
                plannedSeconds);
        long started = System.nanoTime();

        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "%d blocks per client count, each a %.2f s round of on, off and off' in a changing order; %d cores; %s%n%n",
                bench.blocks,
                bench.round.toMillis() / 1000.0,
                Runtime.getRuntime().availableProcessors(),
                bench.control
                        ? "CONTROL RUN: all servers have batching off"
                        : "closed-loop clients, one row per request"));
        table.append(
                "| model | clients | off req/s | on req/s | on/off (median of blocks) | IQR | 95% CI | verdict | A/A off'/off | A/A IQR"
                        + " | p50 ms on / off | p99 ms on / off | rows/run on | requests on / off | errors | client µs/req |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
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

    /** The servers a cell alternates between: batching on, off, and a second off server (the A/A control). */
    private static final int ON = 0, OFF = 1, CONTROL = 2;

    private static final String[] MODE_NAMES = {"on", "off", "off'"};

    /**
     * Each mode once per block, in an order that cycles through all six, so that no mode is more
     * often first, middle or last (a round's neighbours share its machine load).
     */
    private static final int[][] ORDERS = {
        {ON, OFF, CONTROL},
        {CONTROL, OFF, ON},
        {OFF, CONTROL, ON},
        {ON, CONTROL, OFF},
        {OFF, ON, CONTROL},
        {CONTROL, ON, OFF}
    };

    /** The three modes at every client count, in blocks of three interleaved rounds. */
    private void compare(StringBuilder table, Scenario scenario, int[] clientCounts) throws Exception {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream()); // request lines would swamp the figures
        ServerOptions on = options(scenario);
        try (GpuServer batching = GpuServer.start(control ? on.with(0, false) : on, quiet);
                GpuServer unbatched = GpuServer.start(on.with(0, false), quiet);
                GpuServer unbatchedToo = GpuServer.start(on.with(0, false), quiet)) {
            GpuServer[] servers = {batching, unbatched, unbatchedToo};
            byte[][][] requests = new byte[servers.length][64][];
            for (int m = 0; m < servers.length; m++) {
                for (int i = 0; i < 64; i++) requests[m][i] = httpPost(servers[m].port(), scenario, i);
            }
            int most = Arrays.stream(clientCounts).max().orElse(1);
            try (Clients warm = new Clients(servers, requests, most)) { // every mode's code paths compiled
                for (int m = 0; m < servers.length; m++) warm.round(m, warmUp);
            }
            for (int clients : clientCounts) {
                System.out.printf(Locale.ROOT, "== %s, %d clients:", scenario.model, clients);
                List<List<Round>> byMode = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
                double onRunsBefore = runs(batching, scenario.model, "count"),
                        onRowsBefore = runs(batching, scenario.model, "sum");
                double clientCpuMicros;
                long sent;
                try (Clients load = new Clients(servers, requests, clients)) {
                    for (int m = 0; m < servers.length; m++) load.round(m, round.dividedBy(2)); // connections open
                    for (int block = 0; block < blocks; block++) {
                        for (int m : ORDERS[block % ORDERS.length])
                            byMode.get(m).add(load.round(m, round));
                    }
                    load.stop();
                    clientCpuMicros = load.cpuNanos() / 1e3;
                    sent = load.sent();
                }
                double onRows = runs(batching, scenario.model, "sum") - onRowsBefore;
                double onRuns = runs(batching, scenario.model, "count") - onRunsBefore;
                double[] ratios = new double[blocks], controls = new double[blocks];
                for (int block = 0; block < blocks; block++) {
                    double off = byMode.get(OFF).get(block).throughput();
                    ratios[block] = byMode.get(ON).get(block).throughput() / off;
                    controls[block] = byMode.get(CONTROL).get(block).throughput() / off;
                    System.out.printf(Locale.ROOT, " %.2f", ratios[block]);
                }
                System.out.printf(Locale.ROOT, " (on/off by block); A/A median %.2f%n", quantile(controls, 0.5));
                Result onResult = Result.of(byMode.get(ON)), offResult = Result.of(byMode.get(OFF));
                table.append(String.format(
                        Locale.ROOT,
                        "| %s | %d | %.0f | %.0f | **%.2fx** | %.2f–%.2f | %.2f–%.2f | %s | %.2fx | %.2f–%.2f | %.1f / %.1f | %.1f / %.1f | %.2f"
                                + " | %d / %d | %d | %.0f |%n",
                        scenario.model,
                        clients,
                        offResult.throughput(),
                        onResult.throughput(),
                        quantile(ratios, 0.5),
                        quantile(ratios, 0.25),
                        quantile(ratios, 0.75),
                        medianInterval(ratios)[0],
                        medianInterval(ratios)[1],
                        verdict(medianInterval(ratios)),
                        quantile(controls, 0.5),
                        quantile(controls, 0.25),
                        quantile(controls, 0.75),
                        onResult.percentileMs(50),
                        offResult.percentileMs(50),
                        onResult.percentileMs(99),
                        offResult.percentileMs(99),
                        onRuns == 0 ? Double.NaN : onRows / onRuns,
                        onResult.requests(),
                        offResult.requests(),
                        onResult.errors()
                                + offResult.errors()
                                + Result.of(byMode.get(CONTROL)).errors(),
                        clientCpuMicros / Math.max(1, sent)));
            }
        }
    }

    private static double runs(GpuServer server, String model, String which) {
        return value(new String(server.metrics().scrape(), StandardCharsets.UTF_8), "skiff_batch_rows_" + which, model);
    }

    /** One request's bytes on the wire, encoded once so that the clients only copy them out. */
    private static byte[] httpPost(int port, Scenario scenario, int seed) {
        byte[] body = scenario.body.apply(seed).getBytes(StandardCharsets.UTF_8);
        String head = "POST /v2/models/" + scenario.model + "/infer HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /**
     * One measured round of one mode. It starts when every client has sent a request to this
     * mode's server (the previous mode's requests have all come back), so the window sees only
     * this mode's steady closed loop; a request counts when it comes back within the window.
     */
    static final class Round {
        final int mode;
        final CountDownLatch joined;
        volatile long windowStart = Long.MAX_VALUE, windowEnd = Long.MIN_VALUE;
        private long ok, errors;
        private long[] latencies = new long[1024];
        private double seconds;

        Round(int mode, int clients) {
            this.mode = mode;
            this.joined = new CountDownLatch(clients);
        }

        void record(long sentNanos, long doneNanos, boolean success) {
            if (doneNanos < windowStart || doneNanos > windowEnd) return;
            synchronized (this) {
                if (!success) {
                    errors++;
                    return;
                }
                if (ok == latencies.length) latencies = Arrays.copyOf(latencies, latencies.length * 2);
                latencies[(int) ok++] = (doneNanos - sentNanos) / 1000;
            }
        }

        synchronized double throughput() {
            return ok / seconds;
        }
    }

    /**
     * Closed-loop clients, one platform thread each, all sending to the current round's server over
     * a keep-alive connection opened for the round. Each sends pre-encoded bytes and
     * reads the answer's status and length, which costs the shared cores far less than a full HTTP
     * client (the client CPU per request is in the table).
     */
    private static final class Clients implements AutoCloseable {
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicLong cpuNanos = new AtomicLong(), sent = new AtomicLong();
        private final int count;
        private volatile Round current;
        private volatile boolean stopped;

        Clients(GpuServer[] servers, byte[][][] requests, int count) {
            this.count = count;
            this.current = new Round(OFF, count); // unmeasured until the first round
            for (int c = 0; c < count; c++) {
                int client = c;
                threads.add(Thread.ofPlatform().daemon().name("client-" + c).start(() -> {
                    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
                    long cpuStart = cpu.getCurrentThreadCpuTime(), n = 0;
                    Connection[] connections = new Connection[servers.length];
                    try {
                        Round joined = null;
                        for (int i = client; !stopped; i++, n++) {
                            Round round = current;
                            int m = round.mode;
                            if (round != joined) { // fresh connections each round: no server keeps a lucky set
                                for (int k = 0; k < connections.length; k++) {
                                    if (connections[k] != null) connections[k].close();
                                    connections[k] = null;
                                }
                                round.joined.countDown();
                                joined = round;
                            }
                            long start = System.nanoTime();
                            boolean ok;
                            try {
                                if (connections[m] == null) connections[m] = new Connection(servers[m].port());
                                ok = connections[m].post(requests[m][i % requests[m].length]) == 200;
                            } catch (IOException e) { // a broken connection is an error of the round, not its end
                                if (connections[m] != null) connections[m].close();
                                connections[m] = null;
                                ok = false;
                            }
                            round.record(start, System.nanoTime(), ok);
                        }
                    } finally {
                        for (Connection connection : connections) if (connection != null) connection.close();
                        cpuNanos.addAndGet(cpu.getCurrentThreadCpuTime() - cpuStart);
                        sent.addAndGet(n);
                    }
                }));
            }
        }

        Round round(int mode, Duration length) throws InterruptedException {
            Round round = new Round(mode, count);
            current = round;
            if (!round.joined.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("clients stuck");
            long start = System.nanoTime();
            round.windowEnd = start + length.toNanos();
            round.windowStart = start;
            LockSupport.parkNanos(length.toNanos());
            while (System.nanoTime() < round.windowEnd) LockSupport.parkNanos(round.windowEnd - System.nanoTime());
            round.seconds = length.toNanos() / 1e9;
            return round;
        }

        void stop() throws InterruptedException {
            stopped = true;
            for (Thread thread : threads) thread.join();
        }

        long cpuNanos() {
            return cpuNanos.get();
        }

        long sent() {
            return sent.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /** A keep-alive HTTP/1.1 connection that sends ready-made requests and reads answers of a known length. */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final byte[] skip = new byte[8192];

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 65536);
        }

        /** @return the answer's status; its body is read and dropped */
        int post(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 ")) throw new IOException("not an HTTP/1.1 answer: " + status);
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:"))
                    length = Long.parseLong(lower.substring(15).trim());
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
            }
            if (chunked) {
                for (long chunk = Long.parseLong(line().trim(), 16);
                        chunk > 0;
                        chunk = Long.parseLong(line().trim(), 16)) {
                    drop(chunk);
                    line();
                }
                line();
            } else if (length >= 0) {
                drop(length);
            } else {
                throw new IOException("an answer with neither Content-Length nor chunks");
            }
            return Integer.parseInt(status.substring(9, 12));
        }

        private void drop(long bytes) throws IOException {
            while (bytes > 0) {
                int n = in.read(skip, 0, (int) Math.min(skip.length, bytes));
                if (n < 0) throw new IOException("connection closed mid-answer");
                bytes -= n;
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) throw new IOException("connection closed");
                if (b != '\r') line.append((char) b);
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) { // closing at the end of a run
            }
        }
    }

    /** One mode's rounds together. */
    private record Result(long requests, long errors, double seconds, long[] sortedMicros) {
        static Result of(List<Round> rounds) {
            long requests = 0, errors = 0;
            double seconds = 0;
            List<long[]> all = new ArrayList<>();
            for (Round r : rounds) {
                synchronized (r) {
                    requests += r.ok;
                    errors += r.errors;
                    seconds += r.seconds;
                    all.add(Arrays.copyOf(r.latencies, (int) r.ok));
                }
            }
            long[] sorted = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(requests, errors, seconds, sorted);
        }

        double throughput() {
            return requests / seconds;
        }

        double percentileMs(double p) {
            if (sortedMicros.length == 0) return Double.NaN;
            int i = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
            return sortedMicros[Math.max(0, i)] / 1000.0;
        }
    }

    /**
     * A distribution-free 95% confidence interval for the median of the blocks' ratios: the k-th
     * smallest and k-th largest, with k the largest such that fewer than k of n fair coin flips
     * come up heads with probability at most 2.5%. It assumes nothing of the noise's shape.
     */
    static double[] medianInterval(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length, k = 0;
        double below = 0, term = Math.pow(0.5, n); // P(heads = j), from j = 0
        for (int j = 0; below + term <= 0.025; j++) {
            below += term;
            k = j + 1;
            term = term * (n - j) / (j + 1);
        }
        if (k == 0) return new double[] {sorted[0], sorted[n - 1]}; // too few blocks for 95%: the range
        return new double[] {sorted[k - 1], sorted[n - k]};
    }

    /** What a cell's interval says about "on is at least 0.95x off". */
    private static String verdict(double[] interval) {
        if (interval[0] >= 0.95) return "≥ 0.95x";
        if (interval[1] < 0.95) return "costs";
        return "noise";
    }

    /** The q-quantile (0..1) by linear interpolation between the sorted values. */
    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double at = q * (sorted.length - 1);
        int low = (int) Math.floor(at);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (at - low) * (sorted[high] - sorted[low]);
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
