package dev.skiff.corpus;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.gpu.TestServer;
import dev.skiff.runtime.testing.TestFunction;
import dev.skiff.runtime.testing.vectors.LambdaEvents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Runs backend-test cases on raw ONNX Runtime Java and on both Skiff targets (the Lambda function
 * through API Gateway events, the pool's server over HTTP), every data set's inputs, and compares
 * each answer with the data set's reference outputs. Every model ONNX Runtime answers correctly
 * and a target does not is kept with its reason.
 */
final class CorpusRun {
    /** The ONNX backend tests' default tolerance (onnx/backend/test/runner). */
    static final double RTOL = 1e-3, ATOL = 1e-7;

    static final String LAMBDA = "lambda", POOL = "gpu-pool";

    /** How one model fared on one runner; reason null when correct. */
    record Outcome(Kind kind, String reason) {
        static final Outcome CORRECT = new Outcome(Kind.CORRECT, null);

        boolean correct() {
            return kind == Kind.CORRECT;
        }
    }

    enum Kind {
        CORRECT,
        /** the protocol or ONNX Runtime's Java API has no form for an input or output */
        OUTSIDE,
        WRONG,
        FAILED
    }

    final List<BackendCase> cases;
    /** case label -> runner -> outcome; runners: "onnxruntime", LAMBDA, POOL */
    final Map<String, Map<String, Outcome>> outcomes = new TreeMap<>();

    CorpusRun(List<BackendCase> cases) {
        this.cases = cases;
    }

    void run(Path work) throws Exception {
        for (BackendCase c : cases) record(c, "onnxruntime", onnxRuntime(c));
        Path repository = repository(work);
        try (TestFunction lambda = new TestFunction(repository)) {
            for (BackendCase c : cases) {
                if (outcome(c, "onnxruntime").kind() == Kind.OUTSIDE) continue;
                record(c, LAMBDA, served(c, body -> lambda(lambda, c, body)));
            }
        }
        try (TestServer pool = TestServer.start(repository)) {
            for (BackendCase c : cases) {
                if (outcome(c, "onnxruntime").kind() == Kind.OUTSIDE) continue;
                record(c, POOL, served(c, body -> pool(pool, c, body)));
            }
        }
    }

    Outcome outcome(BackendCase c, String runner) {
        return outcomes.getOrDefault(c.label(), Map.of()).get(runner);
    }

    /** The cases ONNX Runtime answers correctly that a target does not, with the target's reason. */
    Map<String, String> lost(String target) {
        Map<String, String> lost = new TreeMap<>();
        outcomes.forEach((label, byRunner) -> {
            Outcome ort = byRunner.get("onnxruntime");
            Outcome served = byRunner.get(target);
            if (ort.correct() && (served == null || !served.correct()))
                lost.put(label, served == null ? "not run" : served.kind() + ": " + served.reason());
        });
        return lost;
    }

    long count(String runner, Kind kind) {
        return outcomes.values().stream()
                .filter(o -> o.containsKey(runner) && o.get(runner).kind() == kind)
                .count();
    }

    /** The counts and every lost model, as the note and the test print them. */
    String report() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "models: %d; raw ONNX Runtime Java: %d correct, %d wrong, %d failed, %d outside the protocol%n",
                cases.size(),
                count("onnxruntime", Kind.CORRECT),
                count("onnxruntime", Kind.WRONG),
                count("onnxruntime", Kind.FAILED),
                count("onnxruntime", Kind.OUTSIDE)));
        long ortCorrect = count("onnxruntime", Kind.CORRECT);
        for (String target : List.of(LAMBDA, POOL)) {
            Map<String, String> lost = lost(target);
            out.append(String.format(
                    "%s: %d of the %d served with the reference answer (%d correct in all, %d wrong, %d failed); lost: %d%n",
                    target,
                    ortCorrect - lost.size(),
                    ortCorrect,
                    count(target, Kind.CORRECT),
                    count(target, Kind.WRONG),
                    count(target, Kind.FAILED),
                    lost.size()));
            lost.forEach((label, why) -> out.append("  ")
                    .append(target)
                    .append(' ')
                    .append(label)
                    .append(": ")
                    .append(why)
                    .append('\n'));
        }
        Map<String, Integer> outside = new TreeMap<>();
        StringBuilder ortNotCorrect = new StringBuilder();
        outcomes.forEach((label, byRunner) -> {
            Outcome ort = byRunner.get("onnxruntime");
            if (ort.kind() == Kind.OUTSIDE) outside.merge(ort.reason(), 1, Integer::sum);
            if (ort.kind() == Kind.FAILED || ort.kind() == Kind.WRONG)
                ortNotCorrect
                        .append("  onnxruntime ")
                        .append(label)
                        .append(": ")
                        .append(ort.kind())
                        .append(' ')
                        .append(ort.reason())
                        .append('\n');
        });
        out.append("outside the protocol, by reason:\n");
        outside.forEach((why, n) -> out.append(String.format("  %4d %s%n", n, why)));
        out.append("raw ONNX Runtime Java's own failures (not counted against Skiff):\n")
                .append(ortNotCorrect);
        return out.toString();
    }

    private void record(BackendCase c, String runner, Outcome outcome) {
        outcomes.computeIfAbsent(c.label(), k -> new LinkedHashMap<>()).put(runner, outcome);
    }

    /** Raw ONNX Runtime Java: a session per model, the data sets' tensors fed as they are. */
    private Outcome onnxRuntime(BackendCase c) {
        if (c.outsideTensors() != null) return new Outcome(Kind.OUTSIDE, c.outsideTensors());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(c.model().toString(), options)) {
            for (Path set : c.dataSets()) {
                List<ReferenceTensor> inputs =
                        BackendCase.tensors(set, "input", c.inputNames().size());
                List<ReferenceTensor> expected =
                        BackendCase.tensors(set, "output", c.outputNames().size());
                Map<String, OnnxTensor> feed = new HashMap<>();
                try {
                    for (int k = 0; k < inputs.size(); k++) {
                        ReferenceTensor input = inputs.get(k);
                        if (!input.feedable()) {
                            return new Outcome(
                                    Kind.OUTSIDE,
                                    "ONNX Runtime's Java API cannot create " + input.type() + " input tensors");
                        }
                        feed.put(c.inputNames().get(k), input.toOnnx(env));
                    }
                    try (OrtSession.Result result = session.run(feed)) {
                        for (int k = 0; k < expected.size(); k++) {
                            String name = c.outputNames().get(k);
                            OnnxValue value = result.get(name).orElse(null);
                            if (!(value instanceof OnnxTensor tensor))
                                return new Outcome(Kind.FAILED, "output '" + name + "' is no tensor");
                            String mismatch = expected.get(k).mismatch(ReferenceTensor.of(name, tensor), RTOL, ATOL);
                            if (mismatch != null)
                                return new Outcome(Kind.WRONG, set.getFileName() + " '" + name + "': " + mismatch);
                        }
                    }
                } finally {
                    feed.values().forEach(OnnxTensor::close);
                }
            }
            return Outcome.CORRECT;
        } catch (UnsupportedOperationException e) {
            return new Outcome(Kind.OUTSIDE, e.getMessage());
        } catch (OrtException | RuntimeException e) {
            return new Outcome(Kind.FAILED, firstLine(e.toString()));
        }
    }

    /** One target: every data set as a protocol infer request, the answer compared with the reference. */
    private Outcome served(BackendCase c, Function<byte[], Answer> send) {
        try {
            for (Path set : c.dataSets()) {
                List<ReferenceTensor> inputs =
                        BackendCase.tensors(set, "input", c.inputNames().size());
                List<ReferenceTensor> expected =
                        BackendCase.tensors(set, "output", c.outputNames().size());
                ObjectNode request = TestFunction.JSON.createObjectNode();
                ArrayNode tensors = request.putArray("inputs");
                for (int k = 0; k < inputs.size(); k++)
                    tensors.add(inputs.get(k).toJson(c.inputNames().get(k)));
                Answer answer = send.apply(TestFunction.JSON.writeValueAsBytes(request));
                if (answer.status() != 200) {
                    return new Outcome(
                            Kind.FAILED,
                            (answer.status() == 0 ? "no HTTP answer: " : answer.status() + " ")
                                    + firstLine(answer.body().toString()));
                }
                Map<String, JsonNode> byName = new HashMap<>();
                for (JsonNode output : answer.body().path("outputs"))
                    byName.put(output.path("name").asText(), output);
                for (int k = 0; k < expected.size(); k++) {
                    String name = c.outputNames().get(k);
                    JsonNode output = byName.get(name);
                    if (output == null) return new Outcome(Kind.FAILED, "no output '" + name + "' in the answer");
                    String mismatch = expected.get(k).mismatch(ReferenceTensor.of(output), RTOL, ATOL);
                    if (mismatch != null)
                        return new Outcome(Kind.WRONG, set.getFileName() + " '" + name + "': " + mismatch);
                }
            }
            return Outcome.CORRECT;
        } catch (UnsupportedOperationException e) {
            return new Outcome(Kind.OUTSIDE, e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new Outcome(Kind.FAILED, firstLine(e.toString()));
        }
    }

    record Answer(int status, JsonNode body) {}

    private static Answer lambda(TestFunction function, BackendCase c, byte[] body) {
        JsonNode answer = function.invoke(LambdaEvents.httpApiEvent(
                "POST", "/v2/models/" + c.servedName() + "/infer", new String(body, StandardCharsets.UTF_8)));
        // an event the function cannot decode is answered as a direct invocation: the error body alone
        if (!answer.has("body")) return new Answer(0, answer);
        return new Answer(answer.path("statusCode").asInt(), TestFunction.body(answer));
    }

    private static Answer pool(TestServer pool, BackendCase c, byte[] body) {
        TestServer.Reply reply = pool.send("POST", "/v2/models/" + c.servedName() + "/infer", body);
        return new Answer(reply.status(), reply.json());
    }

    /** A model repository of every case's model (linked, not copied), version 1 each. */
    private Path repository(Path work) {
        Path root = work.resolve("models");
        try {
            for (BackendCase c : cases) {
                if (c.outsideTensors() != null) continue;
                Path version =
                        Files.createDirectories(root.resolve(c.servedName()).resolve("1"));
                Files.createSymbolicLink(
                        version.resolve("model.onnx"), c.model().toAbsolutePath());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    private static String firstLine(String text) {
        if (text == null) return "";
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
