package dev.skiff.micronaut;

import static dev.skiff.runtime.testing.PlainHandler.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.lambda.SkiffHandler;
import dev.skiff.runtime.testing.PlainHandler;
import dev.skiff.runtime.testing.TestFunction;
import dev.skiff.runtime.testing.vectors.LambdaEvents;
import dev.skiff.runtime.testing.vectors.ProtocolVector;
import dev.skiff.runtime.testing.vectors.ProtocolVectorSource;
import dev.skiff.runtime.testing.vectors.ProtocolVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The Micronaut handler, started as Lambda starts it, answers the protocol vectors for Lambda with
 * their statuses, byte for byte as the plain one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MicronautHandlerTest {
    static final String ARN = TestFunction.ARN;
    static SkiffMicronautHandler handler;

    @BeforeAll
    static void start() {
        handler = new SkiffMicronautHandler(); // what Lambda's runtime does: the no-argument constructor, at init
    }

    @AfterAll
    static void stop() {
        handler.getApplicationContext().close();
    }

    static byte[] viaMicronaut(byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, PlainHandler.context("req-1", ARN));
        return out.toByteArray();
    }

    @Test
    @Order(1)
    void firstAnswerIsTheColdStartThePlainFunctionReports() throws IOException {
        byte[] first = LambdaEvents.event(ProtocolVectors.builtIn().named("model metadata"));
        byte[] answer = viaMicronaut(first);
        assertTrue(text(answer).contains("\"x-skiff-cold-start\":\"true\""), text(answer));
        try (TestFunction fresh = new TestFunction(TestFunction.examples())) { // a plain function's own first answer
            assertEquals(text(fresh.function.handle(first, "req-1", ARN)), text(answer));
        }
    }

    @Test
    @Order(2)
    void sharesThePlainHandlersFunction() {
        assertSame(SkiffHandler.function(), handler.function, "one set of loaded models per process");
        assertSame(
                SkiffHandler.function(),
                handler.getApplicationContext().getBean(dev.skiff.runtime.lambda.LambdaFunction.class));
    }

    @ParameterizedTest(name = "{0}")
    @ProtocolVectorSource(targets = Target.LAMBDA)
    @Order(3)
    void answersAsThePlainHandler(ProtocolVector vector) throws IOException {
        byte[] event = LambdaEvents.event(vector);
        byte[] micronaut = viaMicronaut(event);
        byte[] plain = PlainHandler.answer(event, "req-1", ARN);
        assertEquals(text(plain), text(micronaut), "the plain handler's answer");
        assertArrayEquals(plain, micronaut, "byte for byte");
        LambdaEvents.assertAnswers(vector, micronaut);
    }
}
