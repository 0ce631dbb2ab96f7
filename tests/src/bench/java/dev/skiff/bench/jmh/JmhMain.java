package dev.skiff.bench.jmh;

import dev.skiff.bench.BenchFiles;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@link HandlerOverheadBenchmark} (SampleTime) under each JIT set-up asked for and prints the
 * handler's p50 next to the bare session.run's p50, as a difference and a ratio, in one markdown table.
 *
 * <p>Options: {@code --forks N} (2), {@code --warmup N} (5 x 1 s), {@code --iterations N} (5 x 2 s),
 * {@code --jit c2,lambda} (both: the JVM's default tiered C1+C2, and Lambda's java runtime flags
 * {@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}), {@code --models fraud,minilm},
 * {@code --out FILE} (also write the table there).
 */
public final class JmhMain {
    private static final Map<String, List<String>> JIT = new LinkedHashMap<>();

    static {
        JIT.put("c2", List.of());
        JIT.put(
                "lambda",
                List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
    }

    public static void main(String[] args) throws Exception {
        int forks = 2, warmup = 5, iterations = 5;
        List<String> jits = List.of("c2", "lambda");
        List<String> models = List.of("fraud", "minilm");
        Path out = null;
        boolean stages = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--jit" -> jits = List.of(args[++i].split(","));
                case "--models" -> models = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--stages" -> stages = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String repo = BenchFiles.repoRoot().toString();
        StringBuilder table = new StringBuilder();
        table.append(
                "| model | JIT | log line | bare session.run p50 | handler p50 | overhead p50 | ratio | bare p90 | handler p90 | handler p99 | samples (bare / handler) |\n");
        table.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder stageTable = new StringBuilder(
                "The handler path's stages alone (SampleTime p50; each stage fed the previous one's result, built once):\n\n"
                        + "| model | JIT | event decode | request parse | infer (pipeline + session.run) | bare session.run | response write | event encode | log line format |\n"
                        + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String jit : jits) {
            List<String> jvmArgs = new ArrayList<>(JIT.get(jit));
            jvmArgs.add("-Dskiff.repo=" + repo);
            jvmArgs.add("-Xms512m");
            jvmArgs.add("-Xmx512m");
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .forks(forks)
                    .warmupIterations(warmup)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(iterations)
                    .measurementTime(TimeValue.seconds(2))
                    .jvmArgsAppend(jvmArgs.toArray(String[]::new));
            options.include(HandlerOverheadBenchmark.class.getName()
                            + (stages ? "\\.(handler|bare|stage.*)$" : "\\.(handler|bare)$"))
                    .param("model", models.toArray(String[]::new));
            Collection<RunResult> results = new Runner(options.build()).run();
            if (stages) {
                for (String model : models) {
                    stageTable
                            .append("| ")
                            .append(model)
                            .append(" | ")
                            .append(jit.equals("c2") ? "C1+C2 (default)" : "C1 only, SerialGC (Lambda)")
                            .append(" |");
                    for (String stage : List.of(
                            "stage1EventDecode",
                            "stage2RequestParse",
                            "stage3Infer",
                            "bare",
                            "stage4ResponseWrite",
                            "stage5EventEncode",
                            "stage6LogLine")) {
                        RunResult r = find(results, stage, model, null);
                        stageTable.append(
                                r == null
                                        ? " – |"
                                        : String.format(
                                                Locale.ROOT,
                                                " %.2f µs |",
                                                r.getPrimaryResult()
                                                        .getStatistics()
                                                        .getPercentile(50)));
                    }
                    stageTable.append('\n');
                }
            }
            for (String model : models) {
                RunResult bare = find(results, "bare", model, null);
                for (String log : List.of("null", "devnull")) {
                    RunResult handler = find(results, "handler", model, log);
                    if (bare == null || handler == null) continue;
                    Statistics b = bare.getPrimaryResult().getStatistics(),
                            h = handler.getPrimaryResult().getStatistics();
                    double bp50 = b.getPercentile(50), hp50 = h.getPercentile(50);
                    table.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %.1f µs | %.1f µs | **%.1f µs** | %.3f | %.1f µs | %.1f µs | %.1f µs | %d / %d |%n",
                            model,
                            jit.equals("c2") ? "C1+C2 (default)" : "C1 only, SerialGC (Lambda)",
                            log.equals("null") ? "formatted, null stream" : "written to /dev/null",
                            bp50,
                            hp50,
                            hp50 - bp50,
                            hp50 / bp50,
                            b.getPercentile(90),
                            h.getPercentile(90),
                            h.getPercentile(99),
                            b.getN(),
                            h.getN()));
                }
            }
        }
        if (stages) table.append('\n').append(stageTable);
        System.out.println();
        System.out.println(table);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, table);
        }
    }

    private static RunResult find(Collection<RunResult> results, String method, String model, String log) {
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            if (!label.endsWith("." + method) || !model.equals(r.getParams().getParam("model"))) continue;
            if (log != null && !log.equals(r.getParams().getParam("log"))) continue;
            return r;
        }
        return null;
    }
}
