package dev.skiff.micronaut;

import com.amazonaws.services.lambda.runtime.Context;
import dev.skiff.runtime.lambda.LambdaFunction;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.HandlerUtils;
import io.micronaut.function.aws.MicronautRequestStreamHandler;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The Skiff function through Micronaut's AWS function support
 * ({@code dev.skiff.micronaut.SkiffMicronautHandler::handleRequest}). The constructor starts the
 * application context in Lambda's init phase, which creates {@link SkiffBeans#skiffFunction} (the
 * models, loaded and primed); each event's bytes go to the plain function and its answer back as is.
 */
public class SkiffMicronautHandler extends MicronautRequestStreamHandler {
    @Inject
    LambdaFunction function;

    public SkiffMicronautHandler() {
        super();
    }

    /** For tests and embedding: runs in an application context someone else started. */
    public SkiffMicronautHandler(ApplicationContext applicationContext) {
        super(applicationContext);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        // the Lambda context as a bean and its request id in the MDC, as Micronaut's own handler does;
        // the event itself bypasses Micronaut's codecs, so the answer is byte-for-byte the plain one
        HandlerUtils.configureWithContext(this, context);
        output.write(function.handle(input.readAllBytes(), context.getAwsRequestId(), context.getInvokedFunctionArn()));
    }
}
