package dev.skiff.bench.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.deployer.batch.BatchFormat;
import dev.skiff.deployer.batch.InputRow;
import dev.skiff.deployer.batch.InputRows;
import dev.skiff.deployer.cli.SkiffCli;
import dev.skiff.examples.fraud.TransactionFile;
import dev.skiff.runtime.batch.BatchScorer;
import dev.skiff.runtime.model.Model;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.ModelVersion;

import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * skiff batch fraud --local on a generated file, against a running `skiff local start-api`,
 * beside the in-process ceiling (the same file parsed and scored with BatchScorer in the same
 * batch sizes in this JVM), interleaved; then checks a random sample of rows against ordinary
 * infer requests to the HTTP API, and the counts. Run by bin/bench-batch.
 */
public final class BatchBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of(
                "rows", "1000000", "seed", "7", "bad-every", "100000", "batch-size", "1150", "concurrency", "3",
                "rounds", "2", "sample", "1000", "dir", "target/bench-batch", "models", "examples/models"));
        options.put("api", "http://127.0.0.1:3000");
        options.put("lambda", "http://127.0.0.1:3001");
        for (int i = 0; i + 1 < args.length; i += 2) options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        int rows = Integer.parseInt(options.get("rows"));
        int batchSize = Integer.parseInt(options.get("batch-size"));
        Path dir = Path.of(options.get("dir"));
        Files.createDirectories(dir);
        Path input = dir.resolve("transactions.csv");
        long seed = Long.parseLong(options.get("seed"));
        TransactionFile.write(input, TransactionFile.Format.CSV, rows, seed, Integer.parseInt(options.get("bad-every")));
        System.out.printf(Locale.ROOT, "input: %s, %,d rows, seed %d, bad row every %s%n", input, rows, seed,
                options.get("bad-every"));

        ModelRepository repository = ModelRepository.load(Path.of(options.get("models")), Set.of("fraud"));
        Model fraud = repository.model("fraud");
        ModelVersion version = fraud.latest();
        BatchScorer scorer = BatchScorer.of(version);
        System.out.printf(Locale.ROOT, "batch size %d items per invocation, model runs of %d rows, concurrency %s%n",
                batchSize, scorer.rowsPerRun(), options.get("concurrency"));

        List<double[]> ceilings = new ArrayList<>(), locals = new ArrayList<>();
        Path out = dir.resolve("out");
        int rounds = Integer.parseInt(options.get("rounds"));
        int exit = -1;
        for (int round = 1; round <= rounds; round++) {
            double ceilingCpu = cpuSeconds(null)[0];
            double[] ceiling = ceiling(scorer, input, batchSize);
            ceilingCpu = cpuSeconds(null)[0] - ceilingCpu;
            ceilings.add(ceiling);
            System.out.printf(Locale.ROOT, "round %d in-process ceiling: %,.0f rows/s (%.1f s); CPU s: %.1f%n", round,
                    ceiling[0], ceiling[1], ceilingCpu);
            double[] cpuBefore = cpuSeconds(options.get("emulator-pid"));
            long start = System.nanoTime();
            exit = SkiffCli.commandLine().execute("batch", "fraud", "--input", input.toString(), "--output",
                    out.toString(), "--local", "--batch-size", Integer.toString(batchSize), "--concurrency",
                    options.get("concurrency"), "--lambda-endpoint", options.get("lambda"));
            double seconds = (System.nanoTime() - start) / 1e9;
            locals.add(new double[] {rows / seconds, seconds});
            double[] cpuAfter = cpuSeconds(options.get("emulator-pid"));
            System.out.printf(Locale.ROOT, "round %d skiff batch --local: %,.0f rows/s (%.1f s, exit %d); CPU s: client "
                            + "%.1f, emulator %.1f, function processes %.1f%n", round, rows / seconds, seconds, exit,
                    cpuAfter[0] - cpuBefore[0], cpuAfter[1] - cpuBefore[1], cpuAfter[2] - cpuBefore[2]);
        }
        double ceilingBest = ceilings.stream().mapToDouble(c -> c[0]).max().orElseThrow();
        double localBest = locals.stream().mapToDouble(c -> c[0]).max().orElseThrow();
        System.out.printf(Locale.ROOT, "best: skiff batch --local %,.0f rows/s, ceiling %,.0f rows/s, ratio %.2fx%n",
                localBest, ceilingBest, localBest / ceilingBest);

        check(input, out.resolve("transactions.csv.out"), out.resolve("transactions.csv.failed.csv"), rows,
                Integer.parseInt(options.get("bad-every")), Integer.parseInt(options.get("sample")),
                URI.create(options.get("api")), seed, version.config().batch().inputs().get("features"));
        repository.close();
    }

    /**
     * CPU seconds so far of {this JVM (the client), the emulator, its function processes}: where a
     * local run spends its time. The emulator's are NaN without --emulator-pid.
     */
    static double[] cpuSeconds(String emulatorPid) {
        double client = cpu(ProcessHandle.current());
        if (emulatorPid == null) return new double[] {client, Double.NaN, Double.NaN};
        ProcessHandle emulator = ProcessHandle.of(Long.parseLong(emulatorPid)).orElseThrow();
        double functions = emulator.descendants().mapToDouble(BatchBenchmark::cpu).sum();
        return new double[] {client, cpu(emulator), functions};
    }

    private static double cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** {rows/s, seconds}: parse the file and score it in batches of batchSize, in this JVM. */
    static double[] ceiling(BatchScorer scorer, Path input, int batchSize) throws Exception {
        long start = System.nanoTime();
        long scored = 0;
        try (InputRows rows = InputRows.open(input, BatchFormat.CSV)) {
            List<Map<String, Object>> batch = new ArrayList<>(batchSize);
            for (InputRow row = rows.next(); ; row = rows.next()) {
                if (row != null) batch.add(row.asMap());
                if (batch.size() == batchSize || (row == null && !batch.isEmpty())) {
                    scored += scorer.score(batch).size();
                    batch = new ArrayList<>(batchSize);
                }
                if (row == null) break;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {scored / seconds, seconds};
    }

    /** One infer request; a 429 (the route's throttling, as API Gateway's) is retried after a pause, as a client would. */
    static HttpResponse<String> infer(HttpClient http, URI api, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.resolve("/v2/models/fraud/infer"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 429 || attempt == 10) return response;
            Thread.sleep(100L * attempt);
        }
    }

    static void check(Path input, Path out, Path failed, int rows, int badEvery, int sample, URI api, long seed,
            List<String> columns) throws Exception {
        List<String> results = Files.readAllLines(out, StandardCharsets.UTF_8);
        List<String> failures = Files.readAllLines(failed, StandardCharsets.UTF_8);
        int expectedBad = badEvery > 0 ? rows / badEvery : 0;
        System.out.printf(Locale.ROOT, "counts: %,d result rows (expected %,d), %,d failed rows (expected %,d)%n",
                results.size() - 1, rows, failures.size() - 1, expectedBad);
        for (String line : failures.subList(1, failures.size())) System.out.println("  failed: " + line);

        Random random = new Random(seed);
        TreeSet<Integer> picked = new TreeSet<>();
        while (picked.size() < sample) {
            int row = 1 + random.nextInt(rows);
            if (badEvery == 0 || row % badEvery != 0) picked.add(row);
        }
        Map<Integer, String[]> inputs = new HashMap<>();
        String[] header;
        try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            header = reader.readLine().split(",");
            int row = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                if (picked.contains(++row)) inputs.put(row, line.split(","));
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        int equal = 0;
        List<String> header2 = List.of(header);
        for (int row : picked) {
            String[] values = inputs.get(row);
            StringBuilder data = new StringBuilder();
            for (String column : columns) {
                if (!data.isEmpty()) data.append(',');
                data.append(values[header2.indexOf(column)]);
            }
            String body = "{\"inputs\": [{\"name\": \"features\", \"shape\": [1, " + columns.size()
                    + "], \"datatype\": \"FP32\", \"data\": [" + data + "]}]}";
            HttpResponse<String> response = infer(http, api, body);
            if (response.statusCode() != 200) {
                System.out.println("  row " + row + ": infer answered " + response.statusCode() + " " + response.body());
                continue;
            }
            JsonNode answer = JSON.readTree(response.body());
            String label = null, probability = null;
            for (JsonNode output : answer.get("outputs")) {
                if (output.get("name").asText().equals("label")) label = output.get("data").get(0).asText();
                if (output.get("name").asText().equals("probability"))
                    probability = output.get("data").get(0).asText();
            }
            String[] result = results.get(row).split(",", -1); // row,transaction_id,label,probability,error
            boolean same = result[0].equals(Integer.toString(row))
                    && result[2].equals(label)
                    && Float.parseFloat(result[3]) == Float.parseFloat(probability);
            if (same) equal++;
            else System.out.println("  differs at row " + row + ": batch " + results.get(row) + ", infer " + label
                    + " " + probability);
        }
        System.out.printf(Locale.ROOT, "sample: %d of %d random rows equal to ordinary infer answers (label and "
                + "probability)%n", equal, picked.size());
    }
}
