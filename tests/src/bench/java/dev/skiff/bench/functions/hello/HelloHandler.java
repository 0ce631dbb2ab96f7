package dev.skiff.bench.functions.hello;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Does nothing: under the runtime interface client it measures the JVM's and the client's own start. */
public final class HelloHandler implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        output.write("{\"statusCode\":200,\"body\":\"{}\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
