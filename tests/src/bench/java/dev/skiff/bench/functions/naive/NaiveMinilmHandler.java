package dev.skiff.bench.functions.naive;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.pipeline.text.TokenizedBatch;
import dev.skiff.runtime.pipeline.text.WordPieceTokenizer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tutorial's embedding function: as {@link NaiveFraudHandler}, plus a tokenizer (Skiff's
 * WordPieceTokenizer, so the comparison is about the handler) loaded with the session on the
 * first request, and mean pooling over nested Java arrays.
 */
public class NaiveMinilmHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public record Input(String name, long[] shape, String datatype, List<String> data) {}

    public record Request(String id, List<Input> inputs) {}

    public record Output(String name, long[] shape, String datatype, float[] data) {}

    public record Response(String model_name, String id, List<Output> outputs) {}

    private OrtEnvironment env;
    private OrtSession session;
    private WordPieceTokenizer tokenizer;

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            if (session == null) {
                String dir = System.getenv("LAMBDA_TASK_ROOT") + "/models/minilm/1/";
                env = OrtEnvironment.getEnvironment();
                session = env.createSession(dir + "model.onnx", new OrtSession.SessionOptions());
                tokenizer = WordPieceTokenizer.load(Path.of(dir + "tokenizer.json"));
            }
            Request request = MAPPER.readValue(event.getBody(), Request.class);
            List<String> texts = request.inputs().get(0).data();
            TokenizedBatch batch = tokenizer.encode(texts, 256);
            int rows = batch.rows(), length = batch.sequenceLength();
            long[][] ids = new long[rows][length], mask = new long[rows][length], types = new long[rows][length];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(batch.inputIds(), r * length, ids[r], 0, length);
                System.arraycopy(batch.attentionMask(), r * length, mask[r], 0, length);
                System.arraycopy(batch.tokenTypeIds(), r * length, types[r], 0, length);
            }
            Map<String, OnnxTensor> feed = new HashMap<>();
            feed.put("input_ids", OnnxTensor.createTensor(env, ids));
            feed.put("attention_mask", OnnxTensor.createTensor(env, mask));
            if (session.getInputNames().contains("token_type_ids"))
                feed.put("token_type_ids", OnnxTensor.createTensor(env, types));
            try (OrtSession.Result result = session.run(feed)) {
                float[][][] hidden = (float[][][]) result.get(0).getValue();
                int dim = hidden[0][0].length;
                float[] embeddings = new float[rows * dim];
                for (int r = 0; r < rows; r++) {
                    int tokens = 0;
                    for (int t = 0; t < length; t++) {
                        if (mask[r][t] == 0) continue;
                        tokens++;
                        for (int d = 0; d < dim; d++) embeddings[r * dim + d] += hidden[r][t][d];
                    }
                    double norm = 0;
                    for (int d = 0; d < dim; d++) {
                        embeddings[r * dim + d] /= Math.max(tokens, 1);
                        norm += embeddings[r * dim + d] * embeddings[r * dim + d];
                    }
                    norm = Math.max(Math.sqrt(norm), 1e-12);
                    for (int d = 0; d < dim; d++) embeddings[r * dim + d] /= (float) norm;
                }
                Response response = new Response(
                        "minilm",
                        request.id(),
                        List.of(new Output("embedding", new long[] {rows, dim}, "FP32", embeddings)));
                return APIGatewayV2HTTPResponse.builder()
                        .withStatusCode(200)
                        .withHeaders(Map.of("content-type", "application/json"))
                        .withBody(MAPPER.writeValueAsString(response))
                        .build();
            } finally {
                for (OnnxTensor t : feed.values()) t.close();
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
