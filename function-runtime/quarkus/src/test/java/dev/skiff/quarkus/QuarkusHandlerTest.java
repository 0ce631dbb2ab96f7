package dev.skiff.quarkus;

import dev.skiff.runtime.lambda.SkiffHandler;
import dev.skiff.runtime.testing.HandlerVectors;
import dev.skiff.runtime.testing.HandlerVectors.Vector;
import dev.skiff.runtime.testing.TestFunction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.skiff.runtime.testing.HandlerVectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Quarkus function, in-process: Quarkus's own Lambda poll loop takes each event from the
 * extension's mock event server and dispatches it to the handler bean, as on Lambda. Its answers
 * are byte for byte the plain handler's.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuarkusHandlerTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    @Named("skiff")
    SkiffQuarkusHandler handler;

    /** Invokes the function through the mock event server; it passes no function ARN, as the plain call below. */
    static byte[] viaQuarkus(byte[] event) throws IOException, InterruptedException {
        int port = ConfigProvider.getConfig().getValue("quarkus.lambda.mock-event-server.test-port", Integer.class);
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(event)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), () -> "the invocation failed: " + text(response.body()));
        return response.body();
    }

    @Test
    @Order(1)
    void firstAnswerIsTheColdStartThePlainFunctionReports() throws Exception {
        Vector first = HandlerVectors.first();
        byte[] answer = viaQuarkus(first.bytes());
        assertTrue(text(answer).contains("\"x-skiff-cold-start\":\"true\""), text(answer));
        try (TestFunction fresh = new TestFunction(TestFunction.examples())) { // a plain function's own first answer
            assertEquals(text(fresh.function.handle(first.bytes(), "req-1", null)), text(answer));
        }
    }

    @Test
    @Order(2)
    void sharesThePlainHandlersFunction() {
        assertSame(SkiffHandler.function(), handler.function, "one set of loaded models per process");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.skiff.runtime.testing.HandlerVectors#all")
    @Order(3)
    void answersAsThePlainHandler(Vector vector) throws Exception {
        byte[] quarkus = viaQuarkus(vector.bytes());
        byte[] plain = HandlerVectors.plainAnswer(vector.bytes(), "req-1", null);
        assertEquals(text(plain), text(quarkus), "the plain handler's answer");
        assertArrayEquals(plain, quarkus, "byte for byte");
        assertEquals(vector.status(), HandlerVectors.status(quarkus), text(quarkus));
    }
}
