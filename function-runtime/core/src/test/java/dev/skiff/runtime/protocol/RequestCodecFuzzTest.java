package dev.skiff.runtime.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The request codec on bytes no client should send: it parses them or refuses them with the
 * protocol's error (a {@link ProtocolException}, which the transports answer as a 4xx); anything
 * else it throws is a finding. What it parses, written back and parsed again, is the same request.
 * <p>The test run replays the committed corpus ({@code RequestCodecFuzzTestInputs/}); a fuzzing run
 * is README's "Fuzzing" command.
 */
class RequestCodecFuzzTest {
    static final RequestParser PARSER = new RequestParser(List.of(
            new TensorSpec("x", DataType.FP32, new long[] {-1, 3}),
            new TensorSpec("ids", DataType.INT64, new long[] {-1}),
            new TensorSpec("text", DataType.BYTES, new long[] {-1})));

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesWithTheProtocolsError(byte[] body) {
        InferRequest request;
        try {
            request = PARSER.parse(body);
        } catch (ProtocolException refused) {
            assertNotNull(refused.getMessage(), "a refusal says what was wrong");
            return;
        }
        byte[] written = ResponseWriter.inferRequest(request.id(), request.inputs());
        InferRequest again = PARSER.parse(written);
        assertArrayEquals(
                written,
                ResponseWriter.inferRequest(again.id(), again.inputs()),
                () -> "written back, the request reads differently: " + new String(written, StandardCharsets.UTF_8));
    }
}
