package dev.skiff.quarkus;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.skiff.runtime.lambda.LambdaFunction;
import dev.skiff.runtime.lambda.SkiffHandler;
import io.quarkus.runtime.Startup;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The Skiff function as the Quarkus Amazon Lambda extension's handler: Lambda calls
 * {@code io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest}, which hands each
 * event to this bean. All the work is the plain function's; this only passes bytes through.
 */
@Named("skiff")
@Singleton
@Startup // load and prime the models while Quarkus boots, in Lambda's init phase, not in the first request
public class SkiffQuarkusHandler implements RequestStreamHandler {
    final LambdaFunction function = SkiffHandler.function();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(function.handle(input.readAllBytes(), context.getAwsRequestId(), context.getInvokedFunctionArn()));
    }
}
