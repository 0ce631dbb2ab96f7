package dev.skiff.micronaut;

import dev.skiff.runtime.lambda.SkiffHandler;
import dev.skiff.runtime.testing.HandlerVectors;
import dev.skiff.runtime.testing.HandlerVectors.Vector;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static dev.skiff.runtime.testing.HandlerVectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Micronaut handler, started as Lambda starts it, answers the vector set byte for byte as the plain one. */
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
        handler.handleRequest(new ByteArrayInputStream(event), out, HandlerVectors.context("req-1", ARN));
        return out.toByteArray();
    }

    @Test
    @Order(1)
    void firstAnswerIsTheColdStartThePlainFunctionReports() throws IOException {
        Vector first = HandlerVectors.first();
        byte[] answer = viaMicronaut(first.bytes());
        assertTrue(text(answer).contains("\"x-skiff-cold-start\":\"true\""), text(answer));
        try (TestFunction fresh = new TestFunction(TestFunction.examples())) { // a plain function's own first answer
            assertEquals(text(fresh.function.handle(first.bytes(), "req-1", ARN)), text(answer));
        }
    }

    @Test
    @Order(2)
    void sharesThePlainHandlersFunction() {
        assertSame(SkiffHandler.function(), handler.function, "one set of loaded models per process");
        assertSame(SkiffHandler.function(), handler.getApplicationContext().getBean(dev.skiff.runtime.lambda.LambdaFunction.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.skiff.runtime.testing.HandlerVectors#all")
    @Order(3)
    void answersAsThePlainHandler(Vector vector) throws IOException {
        byte[] micronaut = viaMicronaut(vector.bytes());
        byte[] plain = HandlerVectors.plainAnswer(vector.bytes(), "req-1", ARN);
        assertEquals(text(plain), text(micronaut), "the plain handler's answer");
        assertArrayEquals(plain, micronaut, "byte for byte");
        assertEquals(vector.status(), HandlerVectors.status(micronaut), text(micronaut));
    }
}
