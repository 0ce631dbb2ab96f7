package dev.skiff.runtime.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer and the pooling together, with the quantized all-MiniLM-L6-v2 run by ONNX Runtime, against
 * langchain4j's embedding of the same texts (DJL's tokenizer, its own pooling).
 */
class MinilmEmbeddingTest {

    private static final List<String> TEXTS = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Café naïve résumé",
            "Serverless ONNX inference",
            "日本語のテキスト",
            "don't-stop!!! $3.50 e-mail@x.com");

    @Test
    void embedsABatchAsLangchain4jEmbedsEachText() throws Exception {
        HuggingFaceReference.assumeAvailable();
        WordPieceTokenizer tokenizer;
        try (InputStream json = HuggingFaceReference.resource(HuggingFaceReference.MINILM_TOKENIZER)) {
            tokenizer = WordPieceTokenizer.load(json);
        }
        byte[] model;
        try (InputStream onnx = HuggingFaceReference.resource("all-minilm-l6-v2-q.onnx")) {
            model = onnx.readAllBytes();
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        AllMiniLmL6V2QuantizedEmbeddingModel reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        try (OrtSession session = environment.createSession(model, new OrtSession.SessionOptions())) {
            for (String text : TEXTS) {
                float[] expected = reference.embed(text).content().vector();
                float[] actual = embed(environment, session, tokenizer.encode(List.of(text), 256));
                assertEquals(expected.length, actual.length);
                double dot = 0;
                double maxDifference = 0;
                for (int d = 0; d < actual.length; d++) {
                    dot += (double) actual[d] * expected[d];
                    maxDifference = Math.max(maxDifference, Math.abs(actual[d] - expected[d]));
                }
                assertEquals(
                        1.0,
                        dot,
                        1e-5,
                        "cosine similarity with langchain4j for " + HuggingFaceReference.describe(text));
                assertEquals(
                        0.0,
                        maxDifference,
                        1e-4,
                        "largest difference from langchain4j for " + HuggingFaceReference.describe(text));
            }
        }
    }

    private static float[] embed(OrtEnvironment environment, OrtSession session, TokenizedBatch batch)
            throws Exception {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(
                    "input_ids",
                    OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.inputIds()), batch.shape()));
            inputs.put(
                    "attention_mask",
                    OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.attentionMask()), batch.shape()));
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put(
                        "token_type_ids",
                        OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.tokenTypeIds()), batch.shape()));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                int dimension = (int) hidden.getInfo().getShape()[2];
                FloatBuffer values = hidden.getFloatBuffer();
                return MeanPooling.poolAndNormalize(
                        values, batch.attentionMask(), batch.rows(), batch.sequenceLength(), dimension);
            }
        } finally {
            for (OnnxTensor tensor : inputs.values()) {
                tensor.close();
            }
        }
    }
}
