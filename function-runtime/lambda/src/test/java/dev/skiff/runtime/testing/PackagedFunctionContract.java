package dev.skiff.runtime.testing;

import dev.skiff.runtime.testing.HandlerVectors.Vector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;

import static dev.skiff.runtime.testing.HandlerVectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A packaged framework function under the local emulator, from a SAM template, answers as the
 * plain handler: its first answer is a cold start, and every vector byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class PackagedFunctionContract {
    EmulatedFunction function;

    /** The SAM Handler of the packaged function. */
    protected abstract String handler();

    /** The package, as the module's build writes it (a directory or a .zip). */
    protected abstract Path codeUri();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        function = EmulatedFunction.start(dir, handler(), codeUri());
        HandlerVectors.plainAnswer(HandlerVectors.first().bytes(), "warm-up", null); // the in-process reference's own cold start
    }

    @AfterAll
    void stop() {
        if (function != null) function.close();
    }

    @Test
    @Order(1)
    void firstAnswerIsAColdStart() throws Exception {
        Vector first = HandlerVectors.first();
        byte[] answer = function.invoke(first.bytes());
        assertTrue(text(answer).contains("\"x-skiff-cold-start\":\"true\""), text(answer));
        try (TestFunction fresh = new TestFunction(TestFunction.examples())) {
            assertEquals(text(fresh.function.handle(first.bytes(), "req-1", function.arn())), text(answer));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.skiff.runtime.testing.HandlerVectors#all")
    @Order(2)
    void answersAsThePlainHandler(Vector vector) throws Exception {
        byte[] packaged = function.invoke(vector.bytes());
        byte[] plain = HandlerVectors.plainAnswer(vector.bytes(), "req-1", function.arn());
        assertEquals(text(plain), text(packaged), "the plain handler's answer");
        assertArrayEquals(plain, packaged, "byte for byte");
    }
}
