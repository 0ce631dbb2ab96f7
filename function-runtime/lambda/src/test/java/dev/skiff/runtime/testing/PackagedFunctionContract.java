package dev.skiff.runtime.testing;

import static dev.skiff.runtime.testing.PlainHandler.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.testing.vectors.LambdaEvents;
import dev.skiff.runtime.testing.vectors.ProtocolVector;
import dev.skiff.runtime.testing.vectors.ProtocolVectorSource;
import dev.skiff.runtime.testing.vectors.ProtocolVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;

import java.nio.file.Path;

/**
 * A packaged framework function under the local emulator, invoked through the Lambda API as the
 * API's routes invoke it (its alias live): its first answer is a cold start, and it answers the
 * protocol vectors for Lambda with their statuses, byte for byte as the plain handler.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class PackagedFunctionContract {
    static final ProtocolVector FIRST = ProtocolVectors.builtIn().named("model metadata");
    LocalSkiff skiff;
    String qualified;
    String invokedArn;

    /** The SAM Handler of the packaged function. */
    protected abstract String handler();

    /** The package, as the module's build writes it (a directory or a .zip). */
    protected abstract Path codeUri();

    @BeforeAll
    void start() {
        skiff = LocalSkiff.function(handler(), codeUri()).withoutApi().start();
        String alias = ProtocolVectors.builtIn().throughAlias();
        qualified = LocalSkiff.FUNCTION + ":" + alias;
        invokedArn = skiff.functionArn(LocalSkiff.FUNCTION) + ":" + alias;
        PlainHandler.answer(LambdaEvents.event(FIRST), "warm-up", null); // the in-process reference's own cold start
    }

    @AfterAll
    void stop() {
        if (skiff != null) skiff.close();
    }

    @Test
    @Order(1)
    void firstAnswerIsAColdStart() {
        byte[] answer = skiff.invoke(qualified, LambdaEvents.event(FIRST));
        assertTrue(text(answer).contains("\"x-skiff-cold-start\":\"true\""), text(answer));
        try (TestFunction fresh = new TestFunction(TestFunction.examples())) {
            assertEquals(text(fresh.function.handle(LambdaEvents.event(FIRST), "req-1", invokedArn)), text(answer));
        }
    }

    /** Not the payloads that are not JSON: Lambda's Invoke API (and so the emulator's) refuses them itself. */
    @ParameterizedTest(name = "{0}")
    @ProtocolVectorSource(targets = Target.LAMBDA, excludeTags = "not-json-payload")
    @Order(2)
    void answersAsThePlainHandler(ProtocolVector vector) {
        byte[] event = LambdaEvents.event(vector);
        byte[] packaged = skiff.invoke(qualified, event);
        byte[] plain = PlainHandler.answer(event, "req-1", invokedArn);
        assertEquals(text(plain), text(packaged), "the plain handler's answer");
        assertArrayEquals(plain, packaged, "byte for byte");
        LambdaEvents.assertAnswers(vector, packaged);
    }
}
