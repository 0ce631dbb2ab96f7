package dev.skiff.gpu.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.skiff.gpu.TestServer;
import dev.skiff.gpu.grpc.v2.GRPCInferenceServiceGrpc;
import dev.skiff.gpu.grpc.v2.InferParameter;
import dev.skiff.gpu.grpc.v2.ModelInferRequest;
import dev.skiff.gpu.grpc.v2.ModelInferResponse;
import dev.skiff.gpu.grpc.v2.ModelMetadataRequest;
import dev.skiff.gpu.grpc.v2.ModelMetadataResponse;
import dev.skiff.gpu.grpc.v2.ModelReadyRequest;
import dev.skiff.gpu.grpc.v2.ServerLiveRequest;
import dev.skiff.gpu.grpc.v2.ServerMetadataRequest;
import dev.skiff.gpu.grpc.v2.ServerMetadataResponse;
import dev.skiff.gpu.grpc.v2.ServerReadyRequest;
import dev.skiff.runtime.api.Route;
import dev.skiff.runtime.contract.ErrorCode;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.ProtocolException;
import dev.skiff.runtime.protocol.RawTensors;
import dev.skiff.runtime.protocol.RequestParser;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.testing.vectors.ProtocolVector;
import dev.skiff.runtime.testing.vectors.ProtocolVectorSource;
import dev.skiff.runtime.testing.vectors.ProtocolVectors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The protocol's gRPC service answers the shared vector set as REST does, on one server: the same
 * tensors to the byte (REST's JSON and binary answers against gRPC's raw_output_contents), the
 * same metadata, and each REST error as its gRPC status code with the same message.
 */
class GrpcRestParityTest {
    @TempDir
    static Path temp;

    static TestServer pool;
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub grpc;

    @BeforeAll
    static void start() throws Exception {
        Path models = Path.of(System.getProperty("skiff.examples.models", "../examples/models"));
        String alias = ProtocolVectors.builtIn().throughAlias();
        Path aliases = Files.writeString(
                temp.resolve("aliases.json"),
                "{\"fraud\": {\"" + alias + "\": {\"version\": \"1\"}}, \"minilm\": {\"" + alias
                        + "\": {\"version\": 1}}}");
        pool = TestServer.start(models, "--aliases", aliases.toString(), "--grpc-port", "0");
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", pool.grpcPort())
                .usePlaintext()
                .build();
        grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() {
        if (channel != null) channel.shutdownNow();
        if (pool != null) pool.close();
    }

    @ParameterizedTest(name = "{0}")
    @ProtocolVectorSource(targets = Target.GPU_POOL)
    void grpcAnswersAsRestDoes(ProtocolVector vector) throws Exception {
        assumeTrue(!vector.isDirect(), "a direct invocation is Lambda's");
        Route route = Route.parse(vector.path());
        assumeTrue(
                route != null && route.kind().method.equals(vector.method()),
                "no gRPC call: the HTTP route or method is what is under test");
        TestServer.Reply rest =
                pool.send(vector.method(), vector.path(), vector.body() == null ? null : vector.bodyBytes());
        String version = route.version() == null ? "" : route.version();
        switch (route.kind()) {
            case SERVER_METADATA -> {
                ServerMetadataResponse answer = grpc.serverMetadata(ServerMetadataRequest.getDefaultInstance());
                JsonNode json = rest.json();
                assertEquals(json.get("name").asText(), answer.getName());
                assertEquals(json.get("version").asText(), answer.getVersion());
                assertEquals(texts(json.get("extensions")), answer.getExtensionsList());
            }
            case LIVE ->
                assertEquals(
                        rest.json().get("live").asBoolean(),
                        grpc.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
            case READY ->
                assertEquals(
                        rest.json().get("ready").asBoolean(),
                        grpc.serverReady(ServerReadyRequest.getDefaultInstance())
                                .getReady());
            case MODEL_READY ->
                assertSameOutcome(
                        rest,
                        () -> grpc.modelReady(ModelReadyRequest.newBuilder()
                                        .setName(route.model())
                                        .setVersion(version)
                                        .build())
                                .getReady());
            case MODEL_METADATA -> {
                ModelMetadataResponse answer = assertSameOutcome(
                        rest,
                        () -> grpc.modelMetadata(ModelMetadataRequest.newBuilder()
                                .setName(route.model())
                                .setVersion(version)
                                .build()));
                if (answer != null) assertSameMetadata(rest.json(), answer);
            }
            case INFER -> infer(vector, route, version, rest);
        }
    }

    private static void infer(ProtocolVector vector, Route route, String version, TestServer.Reply rest) {
        InferRequest request;
        try {
            request = new RequestParser(List.of()).parse(vector.bodyBytes());
        } catch (ProtocolException e) {
            assumeTrue(false, "the body is not a protocol request (" + e.getMessage() + "): REST's JSON is under test");
            return;
        }
        assumeTrue(!request.tfServing(), "TF-Serving's form is REST's");
        ModelInferResponse answer = assertSameOutcome(rest, () -> grpc.modelInfer(message(route, version, request)));
        if (answer == null) return;

        JsonNode json = rest.json();
        assertEquals(json.get("model_name").asText(), answer.getModelName());
        assertEquals(json.get("model_version").asText(), answer.getModelVersion());
        assertEquals(json.has("id") ? json.get("id").asText() : "", answer.getId());
        List<Tensor> fromJson = outputs(rest.body(), BinaryData.NONE);
        assertEquals(fromJson.size(), answer.getOutputsCount());
        ByteArrayOutputStream grpcRaw = new ByteArrayOutputStream();
        for (int i = 0; i < fromJson.size(); i++) {
            Tensor expected = fromJson.get(i);
            ModelInferResponse.InferOutputTensor output = answer.getOutputs(i);
            assertEquals(expected.name(), output.getName());
            assertEquals(expected.datatype().name(), output.getDatatype());
            assertEquals(toList(expected.shape()), output.getShapeList());
            byte[] raw = answer.getRawOutputContents(i).toByteArray();
            assertArrayEquals(RawTensors.toBytes(expected), raw, "output '" + expected.name() + "'");
            grpcRaw.writeBytes(raw);
        }
        // REST's binary answer to the same request carries the same bytes after its JSON
        BinaryData.Body binaryRequest = ResponseWriter.binaryInferRequest(request.id(), request.inputs(), true);
        TestServer.Reply binary = pool.sendBinary(vector.path(), binaryRequest);
        assertEquals(200, binary.status(), binary::text);
        int headerLength = Integer.parseInt(binary.header(BinaryData.HEADER));
        byte[] restRaw = java.util.Arrays.copyOfRange(binary.body(), headerLength, binary.body().length);
        if (request.outputs().isEmpty()) assertArrayEquals(grpcRaw.toByteArray(), restRaw);
    }

    @Test
    void typedContentsAndMismatchedRawCountsAreRefusedWithTheReason() {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName("fraud");
        request.addInputsBuilder()
                .setName("features")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(8);
        StatusRuntimeException missing =
                assertThrows(StatusRuntimeException.class, () -> grpc.modelInfer(request.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, missing.getStatus().getCode());
        assertTrue(missing.getStatus().getDescription().contains("1 inputs and 0 raw_input_contents"));

        request.addRawInputContents(ByteString.copyFrom(new byte[31]));
        StatusRuntimeException short_ =
                assertThrows(StatusRuntimeException.class, () -> grpc.modelInfer(request.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, short_.getStatus().getCode());
        assertEquals(
                "input 'features': shape [1, 8] of FP32 needs 32 bytes of binary data, 31 given",
                short_.getStatus().getDescription());
    }

    @Test
    void serverReadyIsUnavailableWhereRestAnswers503() throws Exception {
        Path models = Files.createDirectories(temp.resolve("unready/broken/1"));
        Files.writeString(models.resolve("model.onnx"), "not a model");
        Path repository = temp.resolve("unready");
        try (TestServer unready = TestServer.start(repository, "--strict-readiness", "on", "--grpc-port", "0")) {
            ManagedChannel toUnready = ManagedChannelBuilder.forAddress("127.0.0.1", unready.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                assertEquals(503, unready.send("GET", "/v2/health/ready", null).status());
                StatusRuntimeException e = assertThrows(
                        StatusRuntimeException.class,
                        () -> GRPCInferenceServiceGrpc.newBlockingStub(toUnready)
                                .serverReady(ServerReadyRequest.getDefaultInstance()));
                assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            } finally {
                toUnready.shutdownNow();
            }
        }
    }

    @Test
    void everyErrorCodeHasItsGrpcCode() {
        for (ErrorCode code : ErrorCode.values()) {
            Status.Code mapped = GrpcStatuses.code(code);
            assertTrue(mapped != Status.Code.OK && mapped != Status.Code.UNKNOWN, code + " -> " + mapped);
        }
        assertEquals(Status.Code.NOT_FOUND, GrpcStatuses.code(ErrorCode.NOT_FOUND));
        assertEquals(Status.Code.UNAVAILABLE, GrpcStatuses.code(ErrorCode.UNAVAILABLE));
    }

    /** A 200 from REST is an answer from gRPC; an error is the mapped status with REST's message (then null). */
    private static <T> T assertSameOutcome(TestServer.Reply rest, Supplier<T> call) {
        if (rest.status() == 200) return call.get();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get, rest::text);
        assertEquals(GrpcStatuses.code(codeOf(rest.status())), e.getStatus().getCode(), rest::text);
        assertEquals(rest.json().get("error").asText(), e.getStatus().getDescription());
        return null;
    }

    private static ErrorCode codeOf(int httpStatus) {
        for (ErrorCode code : ErrorCode.values()) if (code.httpStatus() == httpStatus) return code;
        throw new AssertionError("no error code answers HTTP " + httpStatus);
    }

    private static ModelInferRequest message(Route route, String version, InferRequest request) {
        ModelInferRequest.Builder message =
                ModelInferRequest.newBuilder().setModelName(route.model()).setModelVersion(version);
        if (request.id() != null) message.setId(request.id());
        request.parameters().forEach((name, value) -> message.putParameters(name, parameter(value)));
        for (Tensor input : request.inputs()) {
            ModelInferRequest.InferInputTensor.Builder tensor = message.addInputsBuilder()
                    .setName(input.name())
                    .setDatatype(input.datatype().name());
            for (long dim : input.shape()) tensor.addShape(dim);
            message.addRawInputContents(ByteString.copyFrom(RawTensors.toBytes(input)));
        }
        for (InferRequest.RequestedOutput output : request.outputs()) {
            ModelInferRequest.InferRequestedOutputTensor.Builder asked =
                    message.addOutputsBuilder().setName(output.name());
            output.parameters().forEach((name, value) -> asked.putParameters(name, parameter(value)));
        }
        return message.build();
    }

    private static InferParameter parameter(Object value) {
        return switch (value) {
            case Boolean b -> InferParameter.newBuilder().setBoolParam(b).build();
            case Long l -> InferParameter.newBuilder().setInt64Param(l).build();
            default ->
                InferParameter.newBuilder().setStringParam(value.toString()).build();
        };
    }

    /** REST's outputs read back with the request parser: an output object has an input's fields. */
    static List<Tensor> outputs(byte[] body, int headerLength) {
        int jsonEnd = headerLength == BinaryData.NONE ? body.length : headerLength;
        String json = new String(body, 0, jsonEnd, StandardCharsets.UTF_8);
        String asRequest = json.replace("\"outputs\":[", "\"inputs\": [");
        byte[] bytes = body.clone();
        System.arraycopy(asRequest.getBytes(StandardCharsets.UTF_8), 0, bytes, 0, jsonEnd);
        return new RequestParser(List.of()).parse(bytes, headerLength).inputs();
    }

    private static void assertSameMetadata(JsonNode json, ModelMetadataResponse answer) {
        assertEquals(json.get("name").asText(), answer.getName());
        assertEquals(texts(json.get("versions")), answer.getVersionsList());
        assertEquals(json.get("platform").asText(), answer.getPlatform());
        assertSameSpecs(json.get("inputs"), answer.getInputsList());
        assertSameSpecs(json.get("outputs"), answer.getOutputsList());
    }

    private static void assertSameSpecs(JsonNode json, List<ModelMetadataResponse.TensorMetadata> specs) {
        assertEquals(json.size(), specs.size());
        for (int i = 0; i < specs.size(); i++) {
            assertEquals(json.get(i).get("name").asText(), specs.get(i).getName());
            assertEquals(json.get(i).get("datatype").asText(), specs.get(i).getDatatype());
            List<Long> shape = new ArrayList<>();
            json.get(i).get("shape").forEach(dim -> shape.add(dim.asLong()));
            assertEquals(shape, specs.get(i).getShapeList());
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static List<Long> toList(long[] values) {
        List<Long> list = new ArrayList<>(values.length);
        for (long value : values) list.add(value);
        return list;
    }
}
