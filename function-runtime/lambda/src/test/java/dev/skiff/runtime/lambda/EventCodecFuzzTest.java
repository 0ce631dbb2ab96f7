package dev.skiff.runtime.lambda;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.skiff.runtime.protocol.ProtocolException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The event codec on events no API Gateway, ALB or caller should send: it decodes them or refuses
 * them with the protocol's error (a {@link ProtocolException}, answered as a 4xx); anything else it
 * throws is a finding. Every event it decodes, it can answer.
 * <p>The test run replays the committed corpus ({@code EventCodecFuzzTestInputs/}); a fuzzing run
 * is README's "Fuzzing" command.
 */
class EventCodecFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void decodesOrRefusesWithTheProtocolsError(byte[] event) {
        HttpEvent decoded;
        try {
            decoded = EventCodec.decode(event);
        } catch (ProtocolException refused) {
            assertNotNull(refused.getMessage(), "a refusal says what was wrong");
            return;
        }
        byte[] answer = EventCodec.encode(
                decoded, 200, "{\"outputs\":[]}".getBytes(StandardCharsets.UTF_8), Map.of("x-skiff-model", "m"));
        assertNotNull(answer);
    }
}
