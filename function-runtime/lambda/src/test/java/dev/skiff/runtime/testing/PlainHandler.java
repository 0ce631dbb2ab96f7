package dev.skiff.runtime.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.skiff.runtime.lambda.SkiffHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The plain {@link SkiffHandler}, as Lambda calls it: the reference every other handler (Quarkus,
 * Micronaut, a packaged one) must answer the protocol vectors as, byte for byte. It serves
 * {@code $SKIFF_MODEL_REPOSITORY}, the example models in the framework modules' tests.
 */
public final class PlainHandler {
    private PlainHandler() {}

    /** The answer of {@code SkiffHandler::handleRequest} to the event. */
    public static byte[] answer(byte[] event, String requestId, String invokedArn) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SkiffHandler().handleRequest(new ByteArrayInputStream(event), out, context(requestId, invokedArn));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String text(byte[] answer) {
        return new String(answer, StandardCharsets.UTF_8);
    }

    /** A Lambda context with what the function reads from one: the request id and the invoked ARN. */
    public static Context context(String requestId, String invokedArn) {
        return new Context() {
            @Override
            public String getAwsRequestId() {
                return requestId;
            }

            @Override
            public String getInvokedFunctionArn() {
                return invokedArn;
            }

            @Override
            public String getLogGroupName() {
                return "/aws/lambda/skiff-test";
            }

            @Override
            public String getLogStreamName() {
                return "test";
            }

            @Override
            public String getFunctionName() {
                return "skiff-test";
            }

            @Override
            public String getFunctionVersion() {
                return "$LATEST";
            }

            @Override
            public CognitoIdentity getIdentity() {
                return null;
            }

            @Override
            public ClientContext getClientContext() {
                return null;
            }

            @Override
            public int getRemainingTimeInMillis() {
                return 30_000;
            }

            @Override
            public int getMemoryLimitInMB() {
                return 1024;
            }

            @Override
            public LambdaLogger getLogger() {
                return new LambdaLogger() {
                    @Override
                    public void log(String message) {
                        System.out.print(message);
                    }

                    @Override
                    public void log(byte[] message) {
                        System.out.write(message, 0, message.length);
                    }
                };
            }
        };
    }
}
