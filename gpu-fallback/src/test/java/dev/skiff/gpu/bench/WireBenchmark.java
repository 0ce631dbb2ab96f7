package dev.skiff.gpu.bench;

import com.google.protobuf.ByteString;
import dev.skiff.gpu.GpuServer;
import dev.skiff.gpu.ServerCommand;
import dev.skiff.gpu.grpc.v2.GRPCInferenceServiceGrpc;
import dev.skiff.gpu.grpc.v2.ModelInferRequest;
import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.RawTensors;
import dev.skiff.runtime.protocol.RequestParser;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * REST with JSON, REST with binary tensors, and gRPC, side by side on one server in this process:
 * a fixed number of closed-loop clients per transport, rounds interleaved so every transport sees
 * the same machine. Bounded in time (rounds x transports x models x round length). Prints
 * throughput, end-to-end p50/p99 and, for REST, the server's response-write p50 (from its request
 * log lines). Not a test: run it by hand (gpu-fallback/BENCHMARK.md).
 *
 * <p>Flags: --models DIR (examples/models), --requests DIR (examples/requests), --clients N (16),
 * --round-seconds N (5), --rounds N (3), --warmup-seconds N (5), --batching on|off (on).
 */
public final class WireBenchmark {
    enum Transport {
        REST_JSON("REST, JSON"),
        REST_BINARY("REST, binary tensors"),
        GRPC("gRPC, raw contents");

        final String label;

        Transport(String label) {
            this.label = label;
        }
    }

    private static final Pattern WRITE_MS = Pattern.compile("\"writeMs\":([0-9.]+)");

    private final int clients;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern MODEL = Pattern.compile("\"Model\":\"([^\"]+)\"");

    private volatile Transport measuring; // whose server write times the log lines are
    /** The server's response-write times (ms) by "model|transport", from its request log lines. */
    private final Map<String, ConcurrentLinkedQueue<Double>> writeMs = new ConcurrentHashMap<>();

    private WireBenchmark(int clients) {
        this.clients = clients;
    }

    /** One model's request in the three forms. */
    record Request(String model, byte[] json, BinaryData.Body binary, ModelInferRequest grpc) {
        static Request of(String model, Path file) throws Exception {
            byte[] json = Files.readAllBytes(file);
            InferRequest parsed = new RequestParser(List.of()).parse(json);
            BinaryData.Body binary = ResponseWriter.binaryInferRequest(parsed.id(), parsed.inputs(), true);
            ModelInferRequest.Builder grpc = ModelInferRequest.newBuilder().setModelName(model);
            if (parsed.id() != null) grpc.setId(parsed.id());
            for (Tensor input : parsed.inputs()) {
                ModelInferRequest.InferInputTensor.Builder tensor = grpc.addInputsBuilder()
                        .setName(input.name())
                        .setDatatype(input.datatype().name());
                for (long dim : input.shape()) tensor.addShape(dim);
                grpc.addRawInputContents(ByteString.copyFrom(RawTensors.toBytes(input)));
            }
            return new Request(model, json, binary, grpc.build());
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) flags.put(args[i], args[i + 1]);
        Path models = Path.of(flags.getOrDefault("--models", "examples/models"));
        Path requests = Path.of(flags.getOrDefault("--requests", "examples/requests"));
        int clients = Integer.parseInt(flags.getOrDefault("--clients", "16"));
        int rounds = Integer.parseInt(flags.getOrDefault("--rounds", "3"));
        Duration round = Duration.ofSeconds(Long.parseLong(flags.getOrDefault("--round-seconds", "5")));
        Duration warmUp = Duration.ofSeconds(Long.parseLong(flags.getOrDefault("--warmup-seconds", "5")));
        String batching = flags.getOrDefault("--batching", "on");

        WireBenchmark bench = new WireBenchmark(clients);
        PrintStream requestLines = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8) {
            @Override
            public void println(String line) {
                bench.logLine(line);
            }
        };
        GpuServer server = GpuServer.start(
                ServerCommand.parse(
                        new String[] {
                            "--models",
                            models.toString(),
                            "--only",
                            "fraud,minilm",
                            "--port",
                            "0",
                            "--management",
                            "off",
                            "--grpc-port",
                            "0",
                            "--execution-provider",
                            "cpu",
                            "--batching",
                            batching
                        },
                        Map.of()),
                requestLines);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .build();
        try {
            List<Request> all = List.of(
                    Request.of("fraud", requests.resolve("fraud.json")),
                    Request.of("minilm", requests.resolve("minilm.json")));
            System.out.printf(
                    Locale.ROOT,
                    "%d clients per transport, %d rounds of %d s each, interleaved, batching %s, %d processors%n",
                    clients,
                    rounds,
                    round.toSeconds(),
                    batching,
                    Runtime.getRuntime().availableProcessors());
            Map<String, List<Long>> latencies = new LinkedHashMap<>();
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Request request : all) {
                for (Transport t : Transport.values()) bench.run(request, t, channel, server.port(), warmUp, null);
            }
            for (int r = 0; r < rounds; r++) {
                for (Request request : all) {
                    for (Transport t : Transport.values()) {
                        String key = request.model() + "|" + t.name();
                        List<Long> nanos = latencies.computeIfAbsent(key, k -> new ArrayList<>());
                        counts.merge(key, bench.run(request, t, channel, server.port(), round, nanos), Long::sum);
                    }
                }
            }
            System.out.println();
            System.out.println("| model | transport | throughput | p50 | p99 | server write p50 |");
            System.out.println("|---|---|---:|---:|---:|---:|");
            double seconds = rounds * round.toNanos() / 1e9;
            for (Request request : all) {
                for (Transport t : Transport.values()) {
                    String key = request.model() + "|" + t.name();
                    long[] sorted = latencies.get(key).stream()
                            .mapToLong(Long::longValue)
                            .sorted()
                            .toArray();
                    System.out.printf(
                            Locale.ROOT,
                            "| %s | %s | %.0f req/s | %.2f ms | %.2f ms | %s |%n",
                            request.model(),
                            t.label,
                            counts.get(key) / seconds,
                            percentile(sorted, 0.50) / 1e6,
                            percentile(sorted, 0.99) / 1e6,
                            t == Transport.GRPC ? "–" : bench.writeP50(request.model(), t));
                }
            }
        } finally {
            channel.shutdownNow();
            server.close();
        }
    }

    private void logLine(String line) {
        Transport t = measuring;
        if (t == null || !line.contains("\"event\":\"http\"") || !line.contains("\"status\":200")) return;
        Matcher m = WRITE_MS.matcher(line);
        Matcher model = MODEL.matcher(line);
        if (m.find() && model.find()) {
            writeMs.computeIfAbsent(model.group(1) + "|" + t.name(), k -> new ConcurrentLinkedQueue<>())
                    .add(Double.parseDouble(m.group(1)));
        }
    }

    private String writeP50(String model, Transport t) {
        ConcurrentLinkedQueue<Double> values = writeMs.get(model + "|" + t.name());
        if (values == null || values.isEmpty()) return "–";
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(Locale.ROOT, "%.1f µs", sorted[sorted.length / 2] * 1000);
    }

    /** Closed-loop clients for one duration; adds each latency to {@code nanos} (null: warm-up). */
    private long run(Request request, Transport t, ManagedChannel channel, int port, Duration length, List<Long> nanos)
            throws Exception {
        measuring = nanos == null ? null : t;
        URI uri = URI.create("http://127.0.0.1:" + port + "/v2/models/" + request.model() + "/infer");
        long end = System.nanoTime() + length.toNanos();
        List<Future<long[]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                results.add(pool.submit(() -> {
                    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub =
                            GRPCInferenceServiceGrpc.newBlockingStub(channel);
                    long[] mine = new long[1 << 16];
                    int n = 0;
                    while (System.nanoTime() < end && n < mine.length) {
                        long start = System.nanoTime();
                        call(request, t, stub, uri);
                        mine[n++] = System.nanoTime() - start;
                    }
                    return Arrays.copyOf(mine, n);
                }));
            }
            long count = 0;
            for (Future<long[]> result : results) {
                long[] mine = result.get();
                count += mine.length;
                if (nanos != null) for (long v : mine) nanos.add(v);
            }
            return count;
        } finally {
            measuring = null;
        }
    }

    private void call(
            Request request, Transport t, GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub, URI uri)
            throws Exception {
        switch (t) {
            case GRPC -> stub.modelInfer(request.grpc());
            case REST_JSON ->
                check(http.send(
                        HttpRequest.newBuilder(uri)
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(request.json()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
            case REST_BINARY ->
                check(http.send(
                        HttpRequest.newBuilder(uri)
                                .header("content-type", BinaryData.CONTENT_TYPE)
                                .header(
                                        BinaryData.HEADER,
                                        Integer.toString(request.binary().headerLength()))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(
                                        request.binary().bytes()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
        }
    }

    private static void check(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0
                ? Double.NaN
                : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }
}
