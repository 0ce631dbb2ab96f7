package dev.skiff.quarkus;

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
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The Quarkus function, in-process: Quarkus's own Lambda poll loop takes each event from the
 * extension's mock event server and dispatches it to the handler bean, as on Lambda. It answers
 * the protocol vectors for Lambda with their statuses, byte for byte as the plain handler.
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
        HttpResponse<byte[]> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(event))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), () -> "the invocation failed: " + text(response.body()));
        return response.body();
    }

    @Test
    @Order(1)
    void firstAnswerIsTheColdStartThePlainFunctionReports() throws Exception {
        byte[] first = LambdaEvents.event(ProtocolVectors.builtIn().named("model metadata"));
        byte[] answer = viaQuarkus(first);
        assertTrue(text(answer).contains("\"x-skiff-cold-start\":\"true\""), text(answer));
        try (TestFunction fresh = new TestFunction(TestFunction.examples())) { // a plain function's own first answer
            assertEquals(text(fresh.function.handle(first, "req-1", null)), text(answer));
        }
    }

    @Test
    @Order(2)
    void sharesThePlainHandlersFunction() {
        assertSame(SkiffHandler.function(), handler.function, "one set of loaded models per process");
    }

    /** Not the alias vectors: the mock event server passes no invoked ARN, so no invocation comes through live. */
    @ParameterizedTest(name = "{0}")
    @ProtocolVectorSource(targets = Target.LAMBDA, excludeTags = "alias")
    @Order(3)
    void answersAsThePlainHandler(ProtocolVector vector) throws Exception {
        byte[] event = LambdaEvents.event(vector);
        byte[] quarkus = viaQuarkus(event);
        byte[] plain = PlainHandler.answer(event, "req-1", null);
        assertEquals(text(plain), text(quarkus), "the plain handler's answer");
        assertArrayEquals(plain, quarkus, "byte for byte");
        LambdaEvents.assertAnswers(vector, quarkus);
    }
}
