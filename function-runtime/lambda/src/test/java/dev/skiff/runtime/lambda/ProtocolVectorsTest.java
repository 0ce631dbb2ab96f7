package dev.skiff.runtime.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.testing.TestFunction;
import dev.skiff.runtime.testing.vectors.LambdaEvents;
import dev.skiff.runtime.testing.vectors.ProtocolVector;
import dev.skiff.runtime.testing.vectors.ProtocolVectorSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;

import java.nio.charset.StandardCharsets;

/**
 * The plain function, the reference the Quarkus, Micronaut and packaged functions and the pool are
 * compared with, answers every vector of the protocol set for Lambda with the vector's status.
 */
class ProtocolVectorsTest {
    static TestFunction fn;

    @BeforeAll
    static void start() {
        fn = new TestFunction(TestFunction.examples());
    }

    @AfterAll
    static void stop() {
        fn.close();
    }

    @ParameterizedTest(name = "{0}")
    @ProtocolVectorSource(targets = Target.LAMBDA)
    void answersWithTheVectorsStatus(ProtocolVector vector) throws Exception {
        byte[] answer = fn.function.handle(LambdaEvents.event(vector), "req-1", TestFunction.ARN);
        LambdaEvents.assertAnswers(vector, answer);
        if (!vector.isDirect()) {
            JsonNode headers = TestFunction.JSON.readTree(answer).get("headers");
            assertEquals(
                    Target.LAMBDA.wireName(),
                    headers.path("x-skiff-target").asText(),
                    () -> new String(answer, StandardCharsets.UTF_8));
        }
    }
}
