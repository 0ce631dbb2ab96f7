package dev.skiff.bench.jmh;

import dev.skiff.bench.BenchFiles;
import dev.skiff.runtime.capture.Capturer;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.lambda.LambdaFunction;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.MultisetStatistics;
import org.openjdk.jmh.util.Statistics;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What capture at 100% sampling adds to fraud's warm request: the same handler path as
 * HandlerOverheadBenchmark (API Gateway event in, response event out, EMF line to /dev/null), once
 * with capture off and once with every request captured (the record formatted and written to the
 * same /dev/null stream, as the function writes it to stdout). Lambda's JIT flags (C1 only).
 *
 * <pre>bin/bench-capture [--forks N] [--iterations N] [--record]</pre>
 *
 * <p>{@code --record} times the capture record alone ({@link #record}), without the request around it.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CaptureCostBenchmark {
    @State(Scope.Benchmark)
    public static class Handler {
        @Param({"0", "100"})
        public int capturePercent;

        LambdaFunction function;
        byte[] event;
        Path repository;
        PrintStream log;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            repository = HandlerOverheadBenchmark.oneThreadRepository("fraud", capturePercent);
            log = new PrintStream(new FileOutputStream("/dev/null"), true, StandardCharsets.UTF_8);
            function = new LambdaFunction(ModelRepository.load(repository, Set.of("fraud")), log);
            event = BenchFiles.httpApiEvent("fraud", BenchFiles.request("fraud"));
            String answer =
                    new String(function.handle(event, "check", HandlerOverheadBenchmark.ARN), StandardCharsets.UTF_8);
            if (!answer.contains("\"statusCode\":200"))
                throw new IllegalStateException("the handler failed: " + answer);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            function.repository().close();
            log.close();
            HandlerOverheadBenchmark.deleteTree(repository);
        }
    }

    @Benchmark
    public byte[] handler(Handler h) {
        return h.function.handle(h.event, "req-1", HandlerOverheadBenchmark.ARN);
    }

    /** fraud's request and answer as the function has them when it writes a record. */
    @State(Scope.Benchmark)
    public static class Served {
        final ModelConfig.Capture capture = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of());
        final byte[] body = BenchFiles.request("fraud");
        final InferRequest request = new InferRequest(
                "fraud-example-1",
                Map.of(),
                List.of(Tensor.ofFloats("features", new long[] {2, 8}, new float[16])),
                List.of(),
                false);
        final InferResponse response = new InferResponse(
                "fraud",
                "1",
                "fraud-example-1",
                List.of(Tensor.ofFloats("probability", new long[] {2, 2}, new float[] {0.98f, 0.02f, 0.7f, 0.3f})),
                false);
        final byte[] answer = ResponseWriter.infer(response);
        byte[] line;
        final Capturer capturer = new Capturer(Target.LAMBDA, line -> this.line = line);
    }

    /** The record alone, the part of capture's cost that is Skiff's own code (bin/bench-capture --record). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public byte[] record(Served s) {
        s.capturer.served(s.capture, s.request, s.body, s.response, s.answer);
        return s.line;
    }

    public static void main(String[] args) throws Exception {
        int forks = 2, iterations = 5;
        boolean record = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--record" -> record = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (record) {
            for (RunResult r :
                    new Runner(options("\\.record$", forks, iterations).build()).run()) {
                Statistics s = r.getPrimaryResult().getStatistics();
                System.out.printf(
                        Locale.ROOT,
                        "%nfraud's capture record alone, C1 only: %.0f ± %.0f ns (99.9%% CI), %d iterations%n",
                        s.getMean(),
                        s.getMeanErrorAt(0.999),
                        s.getN());
            }
            return;
        }
        // off and on forks take turns (off-on, on-off, ...): a neighbour's burst on this shared machine
        // then lands on both sides instead of on whichever ran during it
        MultisetStatistics off = new MultisetStatistics(), on = new MultisetStatistics();
        List<String> pairs = new ArrayList<>();
        for (int fork = 0; fork < forks; fork++) {
            double[] p50 = new double[2];
            for (int turn = 0; turn < 2; turn++) {
                int side = (fork + turn) % 2; // 0: capture off, 1: capture 100 %
                for (RunResult r : new Runner(options("\\.handler$", 1, iterations)
                                .param("capturePercent", side == 0 ? "0" : "100")
                                .build())
                        .run()) {
                    Statistics s = r.getPrimaryResult().getStatistics();
                    p50[side] = s.getPercentile(50);
                    for (Iterator<Map.Entry<Double, Long>> it = s.getRawData(); it.hasNext(); ) {
                        Map.Entry<Double, Long> sample = it.next();
                        (side == 0 ? off : on).addValue(sample.getKey(), sample.getValue());
                    }
                }
            }
            pairs.add(String.format(Locale.ROOT, "%.1f → %.1f (%+.1f)", p50[0], p50[1], p50[1] - p50[0]));
        }
        System.out.printf(
                Locale.ROOT, "%n| fraud handler, C1 only | p50 | p90 | p99 | samples |%n|---|---:|---:|---:|---:|%n");
        for (String[] row : new String[][] {{"capture off", "0"}, {"capture 100%", "1"}}) {
            Statistics s = row[1].equals("0") ? off : on;
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.1f µs | %.1f µs | %.1f µs | %d |%n",
                    row[0],
                    s.getPercentile(50),
                    s.getPercentile(90),
                    s.getPercentile(99),
                    s.getN());
        }
        System.out.printf(
                Locale.ROOT,
                "| **capture's cost** | **%.1f µs** | %.1f µs | %.1f µs | |%n",
                on.getPercentile(50) - off.getPercentile(50),
                on.getPercentile(90) - off.getPercentile(90),
                on.getPercentile(99) - off.getPercentile(99));
        System.out.printf(Locale.ROOT, "%np50 per fork pair, off → on (µs): %s%n", String.join("; ", pairs));
    }

    private static ChainedOptionsBuilder options(String benchmark, int forks, int iterations) {
        return new OptionsBuilder()
                .include(CaptureCostBenchmark.class.getName() + benchmark)
                .forks(forks)
                .warmupIterations(5)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(2))
                .jvmArgsAppend(
                        "-XX:+TieredCompilation",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-Xms512m",
                        "-Xmx512m",
                        "-Dskiff.repo=" + BenchFiles.repoRoot());
    }
}
