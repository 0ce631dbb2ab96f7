package dev.skiff.bench.functions.floor;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.skiff.runtime.pipeline.text.MeanPooling;
import dev.skiff.runtime.pipeline.text.TokenizedBatch;
import dev.skiff.runtime.pipeline.text.WordPieceTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The floor for minilm: session and tokenizer (Skiff's WordPieceTokenizer, so the comparison is
 * about the handler) at init; per request the texts, one batched run, mean pooling, the embeddings.
 */
public final class FloorMinilmHandler implements RequestStreamHandler {
    private static final int MAX_TOKENS = 256;
    private static final OrtEnvironment ENV = Floor.environment();
    private static final OrtSession SESSION = Floor.session(ENV, "minilm");
    private static final boolean TOKEN_TYPES = SESSION.getInputNames().contains("token_type_ids");
    private static final WordPieceTokenizer TOKENIZER;

    static {
        try {
            TOKENIZER = WordPieceTokenizer.load(Floor.TASK_ROOT.resolve("models/minilm/1/tokenizer.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] body = Floor.body(input.readAllBytes());
        List<String> texts = new ArrayList<>(4);
        try (JsonParser p = Floor.firstInputData(body, new long[1][])) {
            while (p.nextToken() != JsonToken.END_ARRAY) texts.add(p.getText());
        }
        TokenizedBatch batch = TOKENIZER.encode(texts, MAX_TOKENS);
        long[] shape = {batch.rows(), batch.sequenceLength()};
        Map<String, OnnxTensor> feed = new HashMap<>(4);
        try {
            feed.put("input_ids", OnnxTensor.createTensor(ENV, direct(batch.inputIds()), shape));
            feed.put("attention_mask", OnnxTensor.createTensor(ENV, direct(batch.attentionMask()), shape));
            if (TOKEN_TYPES)
                feed.put("token_type_ids", OnnxTensor.createTensor(ENV, direct(batch.tokenTypeIds()), shape));
            try (OrtSession.Result result = SESSION.run(feed)) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] hiddenShape = hidden.getInfo().getShape();
                float[] pooled = MeanPooling.poolAndNormalize(
                        hidden.getFloatBuffer(), batch.attentionMask(), batch.rows(), batch.sequenceLength(), (int)
                                hiddenShape[2]);
                Floor.writeFloats(output, FloatBuffer.wrap(pooled));
            }
        } catch (OrtException e) {
            throw new IOException(e);
        } finally {
            for (OnnxTensor t : feed.values()) t.close();
        }
    }

    private static LongBuffer direct(long[] values) {
        LongBuffer buffer = ByteBuffer.allocateDirect(values.length * Long.BYTES)
                .order(ByteOrder.nativeOrder())
                .asLongBuffer();
        buffer.put(values).flip();
        return buffer;
    }
}
