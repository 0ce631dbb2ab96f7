package dev.skiff.runtime.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.platform.Fp16Conversions;
import dev.skiff.runtime.contract.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Triton's binary data extension: binary and JSON carry the same tensors, in requests and answers. */
class BinaryDataTest {
    private static final long[] SHAPE = {2, 3};

    @ParameterizedTest
    @EnumSource(DataType.class)
    void aRequestInBinaryDecodesToTheSameTensorAsInJson(DataType type) {
        Tensor sent = sample(type);
        RequestParser parser = new RequestParser(List.of(new TensorSpec("x", type, new long[] {-1, 3})));

        Tensor fromJson = parser.parse(ResponseWriter.inferRequest("r", List.of(sent)))
                .inputs()
                .get(0);
        BinaryData.Body binary = ResponseWriter.binaryInferRequest("r", List.of(sent), false);
        Tensor fromBinary =
                parser.parse(binary.bytes(), binary.headerLength()).inputs().get(0);

        assertTrue(binary.hasBinary());
        assertSame(sent, fromJson);
        assertSame(fromJson, fromBinary);
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void anAnswerInBinaryDecodesToTheSameTensorAsInJson(DataType type) {
        Tensor output = sample(type);
        InferResponse response = new InferResponse("m", "1", "r", List.of(output), false);
        InferRequest json = request(Map.of(), List.of());
        InferRequest binary = request(Map.of(BinaryData.ALL_OUTPUTS, true), List.of());

        BinaryData.Body asJson = ResponseWriter.infer(response, json);
        BinaryData.Body asBinary = ResponseWriter.infer(response, binary);

        assertFalse(asJson.hasBinary());
        assertTrue(asBinary.hasBinary());
        String header = new String(asBinary.bytes(), 0, asBinary.headerLength(), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"binary_data_size\":" + RawTensors.size(output)), header);
        assertFalse(header.contains("\"data\""), header);
        assertSame(output, readAnswer(asJson, type));
        assertSame(readAnswer(asJson, type), readAnswer(asBinary, type));
    }

    @Test
    void anOutputsOwnBinaryDataParameterOverridesTheRequests() {
        Tensor a = sample(DataType.FP32).renamed("a");
        Tensor b = sample(DataType.INT64).renamed("b");
        InferResponse response = new InferResponse("m", "1", null, List.of(a, b), false);
        InferRequest request = request(
                Map.of(BinaryData.ALL_OUTPUTS, true),
                List.of(
                        new InferRequest.RequestedOutput("a", Map.of(BinaryData.OUTPUT, false)),
                        new InferRequest.RequestedOutput("b", Map.of())));

        BinaryData.Body body = ResponseWriter.infer(response, request);

        String header = new String(body.bytes(), 0, body.headerLength(), StandardCharsets.UTF_8);
        assertEquals(body.bytes().length - body.headerLength(), RawTensors.size(b));
        assertTrue(header.contains("{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[2,3],\"data\":["), header);
        assertTrue(header.contains("\"parameters\":{\"binary_data_size\":48}"), header);
    }

    @Test
    void mixedJsonAndBinaryInputsTakeTheirBytesInOrder() {
        Tensor a = sample(DataType.INT32).renamed("a");
        Tensor b = sample(DataType.BYTES).renamed("b");
        byte[] rawA = RawTensors.toBytes(a);
        String json = "{\"inputs\":[{\"name\":\"a\",\"datatype\":\"INT32\",\"shape\":[2,3],"
                + "\"parameters\":{\"binary_data_size\":" + rawA.length + "}},"
                + "{\"name\":\"b\",\"datatype\":\"BYTES\",\"shape\":[2,3],\"data\":[\"\",\"a\",\"é\",\"日本\",\"🙂\",\"z\"]},"
                + "{\"name\":\"c\",\"datatype\":\"BYTES\",\"shape\":[2,3],\"parameters\":{\"binary_data_size\":"
                + RawTensors.size(b) + "}}]}";
        byte[] body = concat(json.getBytes(StandardCharsets.UTF_8), rawA, RawTensors.toBytes(b));

        List<Tensor> inputs = new RequestParser(List.of())
                .parse(body, json.getBytes(StandardCharsets.UTF_8).length)
                .inputs();

        assertSame(a, inputs.get(0));
        assertSame(b, inputs.get(1));
        assertSame(b.renamed("c"), inputs.get(2));
    }

    @Test
    void badBinaryRequestsAreRefusedWithTheReason() {
        RequestParser parser = new RequestParser(List.of());
        String fp32 = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[2],"
                + "\"parameters\":{\"binary_data_size\":8}}]}";
        byte[] header = fp32.getBytes(StandardCharsets.UTF_8);

        assertRefused("has no Inference-Header-Content-Length header", () -> parser.parse(concat(header, new byte[8])));
        assertRefused(
                "\"binary_data_size\" is 8, but only 4 bytes",
                () -> parser.parse(concat(header, new byte[4]), header.length));
        assertRefused(
                "4 bytes of binary data that no input's",
                () -> parser.parse(concat(header, new byte[12]), header.length));
        assertRefused("longer than the request body", () -> parser.parse(header, header.length + 1));
        assertRefused("it must be the JSON part's length", () -> BinaryData.headerLength("twelve"));
        assertRefused("it must be the JSON part's length", () -> BinaryData.headerLength("-1"));

        String wrongSize = fp32.replace(":8}", ":6}");
        assertRefused(
                "shape [2] of FP32 needs 8 bytes of binary data, 6 given",
                () -> parser.parse(
                        concat(wrongSize.getBytes(StandardCharsets.UTF_8), new byte[6]), wrongSize.length()));
        String both = fp32.replace("\"parameters\"", "\"data\":[1,2],\"parameters\"");
        assertRefused(
                "has both \"data\" and \"binary_data_size\"",
                () -> parser.parse(concat(both.getBytes(StandardCharsets.UTF_8), new byte[8]), both.length()));
        String bool = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BOOL\",\"shape\":[1],"
                + "\"parameters\":{\"binary_data_size\":1}}]}";
        assertRefused(
                "element 0 is byte 2, but BOOL takes 0 or 1",
                () -> parser.parse(concat(bool.getBytes(StandardCharsets.UTF_8), new byte[] {2}), bool.length()));
        String bytes = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"BYTES\",\"shape\":[1],"
                + "\"parameters\":{\"binary_data_size\":6}}]}";
        assertRefused(
                "element 0 announces 255 bytes, only 2 are left",
                () -> parser.parse(
                        concat(bytes.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 255, 0, 0, 0, 'h', 'i'}),
                        bytes.length()));
        assertRefused(
                "parameter \"binary_data_output\" of the request must be true or false",
                () -> BinaryData.binaryOutput(request(Map.of(BinaryData.ALL_OUTPUTS, "yes"), List.of()), "y"));
    }

    /** Two to six elements of each type, edges included: extremes, negative zero, infinities, UTF-8 of every width. */
    static Tensor sample(DataType type) {
        if (type == DataType.BYTES) {
            return Tensor.strings("x", SHAPE, new String[] {"", "a", "é", "日本", "🙂", "z"});
        }
        ByteBuffer data = ByteBuffer.allocateDirect(6 * type.elementSize).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 6; i++) {
            switch (type) {
                case BOOL -> data.put((byte) (i % 2));
                case UINT8, INT8 -> data.put((byte) new int[] {0, 1, -1, 127, -128, 42}[i]);
                case UINT16, INT16 -> data.putShort((short) new int[] {0, 1, -1, 32767, -32768, 42}[i]);
                case UINT32, INT32 -> data.putInt(new int[] {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 42}[i]);
                case UINT64, INT64 -> data.putLong(new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 42}[i]);
                case FP16 ->
                    data.putShort(Float.floatToFloat16(new float[] {0, -0f, 1.5f, -65504, 0.000061035156f, 3}[i]));
                case BF16 ->
                    data.putShort(Fp16Conversions.floatToBf16(new float[] {0, -0f, 1.5f, -3e38f, 1e-38f, 3}[i]));
                case FP32 ->
                    data.putFloat(new float[] {0, -0f, 1.25f, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 1e-45f}[i]);
                case FP64 ->
                    data.putDouble(new double[] {0, -0d, 0.1, Double.MAX_VALUE, Double.POSITIVE_INFINITY, 4.9e-324}[i]);
                case BYTES -> throw new AssertionError();
            }
        }
        return Tensor.numeric("x", type, SHAPE, data.clear());
    }

    /** Reads an answer's outputs with the request parser: an output object has an input's fields. */
    private static Tensor readAnswer(BinaryData.Body body, DataType type) {
        String json = new String(
                body.bytes(), 0, body.hasBinary() ? body.headerLength() : body.bytes().length, StandardCharsets.UTF_8);
        String asRequest = json.replace("\"outputs\":[", "\"inputs\": [");
        assertEquals(json.length(), asRequest.length());
        byte[] bytes = body.bytes().clone();
        System.arraycopy(asRequest.getBytes(StandardCharsets.UTF_8), 0, bytes, 0, asRequest.length());
        return new RequestParser(List.of(new TensorSpec("x", type, SHAPE)))
                .parse(bytes, body.headerLength())
                .inputs()
                .get(0);
    }

    private static InferRequest request(Map<String, Object> parameters, List<InferRequest.RequestedOutput> outputs) {
        return new InferRequest("r", parameters, List.of(), outputs, false);
    }

    static void assertSame(Tensor expected, Tensor actual) {
        assertEquals(expected.datatype(), actual.datatype());
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(
                RawTensors.toBytes(expected),
                RawTensors.toBytes(actual),
                expected.datatype().name());
        if (expected.datatype() == DataType.BYTES) assertArrayEquals(expected.strings(), actual.strings());
    }

    private static void assertRefused(String reason, Runnable call) {
        ProtocolException e = assertThrows(ProtocolException.class, call::run);
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) length += part.length;
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] part : parts) out.put(part);
        return out.array();
    }
}
