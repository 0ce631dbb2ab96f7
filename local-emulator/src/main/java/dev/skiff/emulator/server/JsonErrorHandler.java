package dev.skiff.emulator.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * What Jetty answers itself (a malformed or ambiguous URI, a bad header) as JSON, never its HTML
 * page: {@code {"message": reason phrase, "error": why}}, API Gateway's field and the protocol's.
 */
final class JsonErrorHandler extends ErrorHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        ObjectNode body = JSON.createObjectNode();
        String reason = HttpStatus.getMessage(code);
        body.put("message", reason);
        body.put("error", "the request cannot be read: " + (message == null || message.isBlank() ? reason : message));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(
                true, ByteBuffer.wrap(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, org.eclipse.jetty.http.HttpFields.Mutable fields) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", HttpStatus.getMessage(status));
        body.put("error", "the request cannot be read: " + (reason == null ? HttpStatus.getMessage(status) : reason));
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
