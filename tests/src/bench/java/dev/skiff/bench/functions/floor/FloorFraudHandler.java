package dev.skiff.bench.functions.floor;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/** The floor for fraud: session at init; per request the features tensor, one run, the probabilities. */
public final class FloorFraudHandler implements RequestStreamHandler {
    private static final OrtEnvironment ENV = Floor.environment();
    private static final OrtSession SESSION = Floor.session(ENV, "fraud");

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] body = Floor.body(input.readAllBytes());
        long[][] shape = new long[1][];
        FloatBuffer features;
        try (JsonParser p = Floor.firstInputData(body, shape)) {
            int count = (int) (shape[0][0] * shape[0][1]);
            features = ByteBuffer.allocateDirect(count * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            while (p.nextToken() != JsonToken.END_ARRAY) features.put(p.getFloatValue());
            features.flip();
        }
        try (OnnxTensor tensor = OnnxTensor.createTensor(ENV, features, shape[0]);
                OrtSession.Result result = SESSION.run(Map.of("features", tensor))) {
            Floor.writeFloats(output, ((OnnxTensor) result.get(0)).getFloatBuffer());
        } catch (OrtException e) {
            throw new IOException(e);
        }
    }
}
