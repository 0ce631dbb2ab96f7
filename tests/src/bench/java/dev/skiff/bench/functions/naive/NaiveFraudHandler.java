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

import java.util.List;
import java.util.Map;

/**
 * What the usual tutorial does: aws-lambda-java-events types, Jackson databind on the body, the
 * plain onnxruntime jar (natives extracted from it at first use), the session made on the first request.
 */
public class NaiveFraudHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public record Input(String name, long[] shape, String datatype, float[] data) {}

    public record Request(String id, List<Input> inputs) {}

    public record Output(String name, long[] shape, String datatype, float[] data) {}

    public record Response(String model_name, String id, List<Output> outputs) {}

    private OrtEnvironment env;
    private OrtSession session;

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            if (session == null) {
                env = OrtEnvironment.getEnvironment();
                session = env.createSession(
                        System.getenv("LAMBDA_TASK_ROOT") + "/models/fraud/1/model.onnx",
                        new OrtSession.SessionOptions());
            }
            Request request = MAPPER.readValue(event.getBody(), Request.class);
            Input input = request.inputs().get(0);
            int rows = (int) input.shape()[0], columns = (int) input.shape()[1];
            float[][] features = new float[rows][columns];
            for (int r = 0; r < rows; r++) System.arraycopy(input.data(), r * columns, features[r], 0, columns);
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, features);
                    OrtSession.Result result = session.run(Map.of(input.name(), tensor))) {
                float[][] probabilities = (float[][]) result.get(0).getValue();
                float[] flat = new float[rows * probabilities[0].length];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(probabilities[r], 0, flat, r * probabilities[r].length, probabilities[r].length);
                }
                Response response = new Response(
                        "fraud",
                        request.id(),
                        List.of(new Output("probabilities", new long[] {rows, probabilities[0].length}, "FP32", flat)));
                return APIGatewayV2HTTPResponse.builder()
                        .withStatusCode(200)
                        .withHeaders(Map.of("content-type", "application/json"))
                        .withBody(MAPPER.writeValueAsString(response))
                        .build();
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
