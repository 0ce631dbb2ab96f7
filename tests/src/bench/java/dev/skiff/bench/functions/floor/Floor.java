package dev.skiff.bench.functions.floor;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What every floor function does that cannot be avoided: ONNX Runtime from the package's
 * pre-extracted natives, one session with Skiff's CPU options, the event's body found with a
 * streaming parser, the output written as a bare JSON array.
 */
final class Floor {
    static final JsonFactory JSON = new JsonFactory();
    static final Path TASK_ROOT = Path.of(System.getenv().getOrDefault("LAMBDA_TASK_ROOT", "."));

    private Floor() {}

    static OrtEnvironment environment() {
        System.setProperty(
                "onnxruntime.native.path", TASK_ROOT.resolve("native").toString());
        return OrtEnvironment.getEnvironment();
    }

    /** The same options Skiff's OrtRuntime.cpuOptions gives, with its intra-op threads per Lambda vCPU. */
    static OrtSession session(OrtEnvironment env, String model) {
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            int threads = intraOpThreads();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            if (threads == 1) options.addConfigEntry("session.intra_op.allow_spinning", "0");
            return env.createSession(
                    TASK_ROOT
                            .resolve("models")
                            .resolve(model)
                            .resolve("1/model.onnx")
                            .toString(),
                    options);
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int intraOpThreads() {
        String memory = System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
        if (memory == null) return Runtime.getRuntime().availableProcessors();
        return (int) Math.max(1, Math.min(6, Math.ceil(Integer.parseInt(memory.trim()) / 1769.0)));
    }

    /** The body of an API Gateway event (or the event itself when it has none). */
    static byte[] body(byte[] event) throws IOException {
        try (JsonParser p = JSON.createParser(event)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("body")) return p.getText().getBytes(StandardCharsets.UTF_8);
                p.skipChildren();
            }
        }
        return event;
    }

    /** Moves a parser on a protocol request to the first input's "data" array; fills shape. */
    static JsonParser firstInputData(byte[] body, long[][] shape) throws IOException {
        JsonParser p = JSON.createParser(body);
        p.nextToken();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (!field.equals("inputs")) {
                p.skipChildren();
                continue;
            }
            p.nextToken(); // the first input object
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String inner = p.currentName();
                p.nextToken();
                if (inner.equals("shape")) {
                    long[] dims = new long[4];
                    int n = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) dims[n++] = p.getLongValue();
                    shape[0] = java.util.Arrays.copyOf(dims, n);
                } else if (inner.equals("data")) {
                    return p; // shape comes before data in the protocol's examples
                } else {
                    p.skipChildren();
                }
            }
        }
        throw new IOException("no inputs[0].data in the request");
    }

    /** {"statusCode":200,"body":"[f,f,...]"}: the raw output, as an API Gateway answer. */
    static void writeFloats(OutputStream out, java.nio.FloatBuffer values) throws IOException {
        StringBuilder json = new StringBuilder(32 + values.remaining() * 12).append("{\"statusCode\":200,\"body\":\"[");
        for (int i = values.position(); i < values.limit(); i++) {
            if (i > values.position()) json.append(',');
            json.append(values.get(i));
        }
        out.write(json.append("]\"}").toString().getBytes(StandardCharsets.UTF_8));
    }
}
