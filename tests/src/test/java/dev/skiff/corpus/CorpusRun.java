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
import dev.skiff.runtime.contract.Limits;
import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.testing.TestFunction;
import dev.skiff.runtime.testing.vectors.LambdaEvents;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Runs backend-test cases on raw ONNX Runtime Java and on both Skiff targets (the Lambda function
 * through API Gateway events, the pool's server over HTTP), every data set's inputs, and compares
 * each answer with the data set's reference outputs. Every model ONNX Runtime answers correctly
 * and a target does not is kept with its reason.
 *
 * <p>A request goes as JSON and, as a client would send it, in the binary data extension's form
 * where its JSON form is over the target's payload limit (Lambda's 6 MB, which the pool keeps
 * too); with {@code bothForms} every request also goes in the binary form.
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
    private final boolean bothForms;
    /** case label -> runner -> outcome; runners: "onnxruntime", LAMBDA, POOL */
    final Map<String, Map<String, Outcome>> outcomes = new TreeMap<>();
    /** "target case data set" -> the JSON form over the limit and the binary form sent instead */
    final Map<String, String> sentBinary = new TreeMap<>();

    CorpusRun(List<BackendCase> cases, boolean bothForms) {
        this.cases = cases;
        this.bothForms = bothForms;
    }

    void run(Path work) throws Exception {
        for (BackendCase c : cases) record(c, "onnxruntime", onnxRuntime(c));
        Path repository = repository(work);
        try (TestFunction lambda = new TestFunction(repository)) {
            for (BackendCase c : cases) {
                if (outcome(c, "onnxruntime").kind() == Kind.OUTSIDE) continue;
                record(c, LAMBDA, served(c, LAMBDA, lambda(lambda)));
            }
        }
        try (TestServer pool = TestServer.start(repository)) {
            for (BackendCase c : cases) {
                if (outcome(c, "onnxruntime").kind() == Kind.OUTSIDE) continue;
                record(c, POOL, served(c, POOL, pool(pool)));
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
        out.append(bothForms ? "every request sent as JSON and in binary form; " : "requests sent as JSON; ")
                .append(String.format(
                        "in binary form where JSON is over the payload limit (%,d bytes): %d%n",
                        Limits.LAMBDA_SYNC_PAYLOAD_BYTES, sentBinary.size()));
        sentBinary.forEach((what, sizes) ->
                out.append("  ").append(what).append(": ").append(sizes).append('\n'));
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

    /**
     * One target: every data set as a protocol infer request, in the forms it goes in, each answer
     * compared with the reference.
     */
    private Outcome served(BackendCase c, String targetName, Target target) {
        try {
            for (Path set : c.dataSets()) {
                Request request = new Request(
                        c.inputNames(),
                        BackendCase.tensors(set, "input", c.inputNames().size()));
                List<ReferenceTensor> expected =
                        BackendCase.tensors(set, "output", c.outputNames().size());
                Payload json = target.payload(c, request, false);
                List<Payload> sends = new ArrayList<>();
                if (json.fits()) sends.add(json);
                if (bothForms || !json.fits()) {
                    Payload binary = target.payload(c, request, true);
                    if (!binary.fits()) {
                        return new Outcome(
                                Kind.FAILED,
                                String.format(
                                        "over the payload limit of %,d bytes in both forms: %s, %s",
                                        binary.limit(), json, binary));
                    }
                    if (!json.fits())
                        sentBinary.put(targetName + " " + c.label() + " " + set.getFileName(), json + " -> " + binary);
                    sends.add(binary);
                }
                for (Payload payload : sends) {
                    Outcome wrong = compared(payload, set, c.outputNames(), expected);
                    if (wrong != null) return wrong;
                }
            }
            return Outcome.CORRECT;
        } catch (UnsupportedOperationException e) {
            return new Outcome(Kind.OUTSIDE, e.getMessage());
        } catch (RuntimeException e) {
            return new Outcome(Kind.FAILED, firstLine(e.toString()));
        }
    }

    /** Null when the answer to the payload is the reference, else why not. */
    private static Outcome compared(
            Payload payload, Path set, List<String> outputNames, List<ReferenceTensor> expected) {
        Answer answer = payload.send().get();
        if (answer.status() != 200) {
            return new Outcome(
                    Kind.FAILED,
                    payload.form() + ": " + (answer.status() == 0 ? "no HTTP answer: " : answer.status() + " ")
                            + firstLine(answer.body().toString()));
        }
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode output : answer.body().path("outputs"))
            byName.put(output.path("name").asText(), output);
        for (int k = 0; k < expected.size(); k++) {
            String name = outputNames.get(k);
            JsonNode output = byName.get(name);
            if (output == null)
                return new Outcome(Kind.FAILED, payload.form() + ": no output '" + name + "' in the answer");
            String mismatch = expected.get(k).mismatch(ReferenceTensor.of(output), RTOL, ATOL);
            if (mismatch != null)
                return new Outcome(
                        Kind.WRONG, payload.form() + ": " + set.getFileName() + " '" + name + "': " + mismatch);
        }
        return null;
    }

    /** One data set's inputs as an infer request, in either form; outputs are asked for as JSON. */
    record Request(List<String> names, List<ReferenceTensor> inputs) {
        byte[] json() {
            ObjectNode request = TestFunction.JSON.createObjectNode();
            ArrayNode tensors = request.putArray("inputs");
            for (int k = 0; k < inputs.size(); k++) tensors.add(inputs.get(k).toJson(names.get(k)));
            try {
                return TestFunction.JSON.writeValueAsBytes(request);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The binary data extension's form: the JSON part, then every input's raw bytes. */
        BinaryData.Body binary() {
            List<Tensor> tensors = new ArrayList<>();
            for (int k = 0; k < inputs.size(); k++) tensors.add(inputs.get(k).toTensor(names.get(k)));
            return ResponseWriter.binaryInferRequest(null, tensors, false);
        }
    }

    /** A request in one form as it reaches a target: the bytes its payload limit counts, and the send. */
    record Payload(String form, long bytes, int limit, Supplier<Answer> send) {
        boolean fits() {
            return bytes <= limit;
        }

        @Override
        public String toString() {
            return String.format("%s %,d bytes", form, bytes);
        }
    }

    /** How a request in JSON or binary form reaches a target. */
    interface Target {
        Payload payload(BackendCase c, Request request, boolean binary);
    }

    record Answer(int status, JsonNode body) {}

    /** The function through API Gateway: the limit counts the whole event, a binary body base64-encoded in it. */
    private static Target lambda(TestFunction function) {
        return (c, request, binary) -> {
            String path = inferPath(c);
            String event = binary
                    ? LambdaEvents.httpApiBinaryEvent("POST", path, request.binary())
                    : LambdaEvents.httpApiEvent("POST", path, new String(request.json(), StandardCharsets.UTF_8));
            return new Payload(
                    binary ? "binary event" : "JSON event",
                    event.getBytes(StandardCharsets.UTF_8).length,
                    Limits.LAMBDA_SYNC_PAYLOAD_BYTES,
                    () -> {
                        JsonNode answer = function.invoke(event);
                        // an event the function cannot decode is answered as a direct invocation: the error body alone
                        if (!answer.has("body")) return new Answer(0, answer);
                        return new Answer(answer.path("statusCode").asInt(), TestFunction.body(answer));
                    });
        };
    }

    /** The pool's server over HTTP: the limit counts the body. */
    private static Target pool(TestServer pool) {
        return (c, request, binary) -> {
            String path = inferPath(c);
            if (!binary) {
                byte[] json = request.json();
                return new Payload(
                        "JSON body",
                        json.length,
                        Limits.MAX_REQUEST_BODY_BYTES,
                        () -> answer(pool.send("POST", path, json)));
            }
            BinaryData.Body body = request.binary();
            return new Payload(
                    "binary body",
                    body.bytes().length,
                    Limits.MAX_REQUEST_BODY_BYTES,
                    () -> answer(pool.sendBinary(path, body)));
        };
    }

    private static Answer answer(TestServer.Reply reply) {
        return new Answer(reply.status(), reply.json());
    }

    private static String inferPath(BackendCase c) {
        return "/v2/models/" + c.servedName() + "/infer";
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
