package dev.skiff.bench.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.skiff.bench.BenchFiles;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.lambda.EventCodec;
import dev.skiff.runtime.lambda.HttpEvent;
import dev.skiff.runtime.lambda.LambdaFunction;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.model.OrtRuntime;
import dev.skiff.runtime.observability.RequestLog;
import dev.skiff.runtime.pipeline.text.TokenizedBatch;
import dev.skiff.runtime.pipeline.text.WordPieceTokenizer;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ResponseWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Skiff's per-request overhead above a bare {@code session.run}: the handler path
 * ({@link LambdaFunction#handle} on an API Gateway HTTP API event carrying examples/requests/{model}.json:
 * event decode, routing, parse and validation, the pipeline, session.run, post-processing, response
 * and event encode, the JSON log line) against {@code session.run} alone on an OrtSession with the
 * same options and pre-built OnnxTensors. Both sessions have one intra-op thread.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class HandlerOverheadBenchmark {
    static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:skiff-bench:live";
    static final int THREADS = 1;

    /** The handler, its models loaded with one intra-op thread; the log line goes to a null or a real stream. */
    @State(Scope.Benchmark)
    public static class Handler {
        @Param({"fraud", "minilm"})
        public String model;

        /** null: formatted, then dropped by a PrintStream on a null stream; devnull: also written to /dev/null. */
        @Param({"null", "devnull"})
        public String log;

        LambdaFunction function;
        byte[] event;
        Path repository;
        PrintStream logStream;

        String model() {
            return model;
        }

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            repository = oneThreadRepository(model());
            logStream = log.equals("null")
                    ? new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)
                    : new PrintStream(new FileOutputStream("/dev/null"), true, StandardCharsets.UTF_8);
            function = new LambdaFunction(ModelRepository.load(repository, Set.of(model())), logStream);
            event = BenchFiles.httpApiEvent(model(), BenchFiles.request(model()));
            String answer = new String(function.handle(event, "check", ARN), StandardCharsets.UTF_8);
            if (!answer.contains("\"statusCode\":200"))
                throw new IllegalStateException("the handler failed: " + answer);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            function.repository().close();
            logStream.close();
            deleteTree(repository);
        }
    }

    /** fraud's session alone, fed the example request's features tensor, built once. */
    static final class FraudBare {
        OrtSession session;
        Map<String, OnnxTensor> feed;

        void setUp() throws Exception {
            OrtEnvironment env = OrtRuntime.environment();
            session = env.createSession(
                    BenchFiles.models().resolve("fraud/1/model.onnx").toString(), OrtRuntime.cpuOptions(THREADS));
            List<Float> data = new ArrayList<>();
            long[] shape = new long[2];
            try (JsonParser p = new JsonFactory().createParser(BenchFiles.request("fraud"))) {
                int dims = 0;
                String field = null;
                for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                    if (t == JsonToken.FIELD_NAME) field = p.currentName();
                    else if (t.isNumeric() && "shape".equals(field)) shape[dims++] = p.getLongValue();
                    else if (t.isNumeric() && "data".equals(field)) data.add(p.getFloatValue());
                }
            }
            FloatBuffer features = ByteBuffer.allocateDirect(data.size() * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            for (float f : data) features.put(f);
            features.flip();
            feed = Map.of("features", OnnxTensor.createTensor(env, features, shape));
        }

        void tearDown() throws OrtException {
            for (OnnxTensor t : feed.values()) t.close();
            session.close();
        }
    }

    /**
     * minilm's session alone, fed the example request's texts pre-tokenized: one run per text, each of
     * one row, asking for the hidden states only, as Skiff's pipeline runs this model (its config says
     * batchInvariant: false, so each text runs on its own).
     */
    static final class MinilmBare {
        OrtSession session;
        List<Map<String, OnnxTensor>> feeds = new ArrayList<>();
        Set<String> hidden;

        void setUp() throws Exception {
            OrtEnvironment env = OrtRuntime.environment();
            Path dir = BenchFiles.models().resolve("minilm/1");
            session = env.createSession(dir.resolve("model.onnx").toString(), OrtRuntime.cpuOptions(THREADS));
            hidden = Set.of(session.getOutputNames().iterator().next());
            WordPieceTokenizer tokenizer = WordPieceTokenizer.load(dir.resolve("tokenizer.json"));
            List<String> texts = new ArrayList<>();
            try (JsonParser p = new JsonFactory().createParser(BenchFiles.request("minilm"))) {
                String field = null;
                for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                    if (t == JsonToken.FIELD_NAME) field = p.currentName();
                    else if (t == JsonToken.VALUE_STRING && "data".equals(field)) texts.add(p.getText());
                }
            }
            for (String text : texts) {
                TokenizedBatch batch = tokenizer.encode(List.of(text), 256);
                Map<String, OnnxTensor> feed = new HashMap<>();
                feed.put("input_ids", OnnxTensor.createTensor(env, direct(batch.inputIds()), batch.shape()));
                feed.put("attention_mask", OnnxTensor.createTensor(env, direct(batch.attentionMask()), batch.shape()));
                if (session.getInputNames().contains("token_type_ids")) {
                    feed.put(
                            "token_type_ids",
                            OnnxTensor.createTensor(env, direct(batch.tokenTypeIds()), batch.shape()));
                }
                feeds.add(feed);
            }
        }

        void tearDown() throws OrtException {
            for (Map<String, OnnxTensor> feed : feeds) for (OnnxTensor t : feed.values()) t.close();
            session.close();
        }
    }

    /** The bare session.run of the model named by its parameter: fraud's or minilm's state. */
    @State(Scope.Benchmark)
    public static class Bare {
        @Param({"fraud", "minilm"})
        public String model;

        FraudBare fraud;
        MinilmBare minilm;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            if (model.equals("fraud")) {
                fraud = new FraudBare();
                fraud.setUp();
            } else {
                minilm = new MinilmBare();
                minilm.setUp();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException {
            if (fraud != null) fraud.tearDown();
            if (minilm != null) minilm.tearDown();
        }

        int run() throws OrtException {
            if (fraud != null) {
                try (OrtSession.Result result = fraud.session.run(fraud.feed)) {
                    return result.size();
                }
            }
            int outputs = 0;
            for (Map<String, OnnxTensor> feed : minilm.feeds) {
                try (OrtSession.Result result = minilm.session.run(feed, minilm.hidden)) {
                    outputs += result.size();
                }
            }
            return outputs;
        }
    }

    /** The handler path's stages one by one (public API of function-runtime), to see where the overhead goes. */
    @State(Scope.Benchmark)
    public static class Stages {
        @Param({"fraud", "minilm"})
        public String model;

        Path repository;
        ModelRepository models;
        ModelVersion version;
        byte[] event;
        HttpEvent http;
        InferRequest request;
        InferResponse response;
        byte[] body;
        Map<String, String> headers;
        RequestLog log;
        RequestLog.Entry entry;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            repository = oneThreadRepository(model);
            models = ModelRepository.load(repository, Set.of(model));
            version = models.model(model).latest();
            event = BenchFiles.httpApiEvent(model, BenchFiles.request(model));
            http = EventCodec.decode(event);
            request = version.parser().parse(http.body());
            response = version.infer(request);
            body = ResponseWriter.infer(response);
            headers = new java.util.LinkedHashMap<>();
            headers.put("content-type", "application/json");
            headers.put("x-skiff-model", model);
            headers.put("x-skiff-model-version", "1");
            headers.put("x-skiff-target", "lambda");
            headers.put("x-skiff-cold-start", "false");
            log = new RequestLog(new PrintStream(OutputStream.nullOutputStream()), Target.LAMBDA);
            entry = new RequestLog.Entry(
                    "c0ffee", "apigw-http-v2", model, "1", 200, false, 7_000, 18_000, 4_000, 39_000, null);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            models.close();
            deleteTree(repository);
        }
    }

    @Benchmark
    public HttpEvent stage1EventDecode(Stages s) {
        return EventCodec.decode(s.event);
    }

    @Benchmark
    public InferRequest stage2RequestParse(Stages s) {
        return s.version.parser().parse(s.http.body());
    }

    @Benchmark
    public InferResponse stage3Infer(Stages s) {
        return s.version.infer(s.request);
    }

    @Benchmark
    public byte[] stage4ResponseWrite(Stages s) {
        return ResponseWriter.infer(s.response);
    }

    @Benchmark
    public byte[] stage5EventEncode(Stages s) {
        return EventCodec.encode(s.http, 200, s.body, s.headers);
    }

    @Benchmark
    public String stage6LogLine(Stages s) {
        return s.log.format(s.entry, 1795298400000L);
    }

    @Benchmark
    public byte[] handler(Handler s) {
        return s.function.handle(s.event, "bench", ARN);
    }

    @Benchmark
    public int bare(Bare s) throws OrtException {
        return s.run();
    }

    // --- set-up helpers ---

    /** A copy of the example model's directory whose config pins intraOpThreads to 1 (model files linked, not copied). */
    /** The model with one intra-op thread and capture off: capture's cost is CaptureCostBenchmark's. */
    static Path oneThreadRepository(String model) throws IOException {
        return oneThreadRepository(model, 0);
    }

    /** @param capturePercent the config's capture.samplingPercent (0: off), whatever the example's config says */
    static Path oneThreadRepository(String model, int capturePercent) throws IOException {
        Path root = Files.createTempDirectory("skiff-bench-models");
        Path source = BenchFiles.models().resolve(model);
        Path target = root.resolve(model);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) Files.createDirectories(to);
                else if (file.getFileName().toString().equals("config.json")) {
                    String config = Files.readString(file).trim();
                    if (!config.startsWith("{")) throw new IllegalStateException(file + " is not a JSON object");
                    com.fasterxml.jackson.databind.ObjectMapper json =
                            new com.fasterxml.jackson.databind.ObjectMapper();
                    com.fasterxml.jackson.databind.node.ObjectNode tree =
                            (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(config);
                    tree.put("intraOpThreads", THREADS);
                    tree.putObject("capture")
                            .put("samplingPercent", capturePercent)
                            .put("data", "both");
                    Files.writeString(to, json.writeValueAsString(tree));
                } else Files.createSymbolicLink(to, file.toAbsolutePath());
            }
        }
        return root;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static LongBuffer direct(long[] values) {
        LongBuffer buffer = ByteBuffer.allocateDirect(values.length * Long.BYTES)
                .order(ByteOrder.nativeOrder())
                .asLongBuffer();
        buffer.put(values).flip();
        return buffer;
    }
}
