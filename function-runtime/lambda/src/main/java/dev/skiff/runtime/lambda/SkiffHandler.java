package dev.skiff.runtime.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The Lambda entry point ({@code dev.skiff.runtime.lambda.SkiffHandler::handleRequest}). Models are
 * loaded and primed during init, so a SnapStart snapshot holds them ready and an on-demand cold
 * start does that work at init's full CPU, not in the first request.
 */
public final class SkiffHandler implements RequestStreamHandler {
    private static final LambdaFunction FUNCTION = Init.function();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        output.write(FUNCTION.handle(event, context.getAwsRequestId(), context.getInvokedFunctionArn()));
    }

    /** Exposed for the framework adapters (Quarkus, Micronaut), which share this one instance. */
    public static LambdaFunction function() {
        return FUNCTION;
    }
}
