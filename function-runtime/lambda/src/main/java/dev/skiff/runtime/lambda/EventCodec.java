package dev.skiff.runtime.lambda;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.skiff.runtime.batch.BatchEvent;
import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.Json;
import dev.skiff.runtime.protocol.ProtocolException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Tells Lambda events apart by their own fields (API Gateway HTTP API 2.0, REST API 1.0, ALB,
 * a Distributed Map batch, or a bare protocol request) and writes each answer in the shape its
 * source expects.
 */
public final class EventCodec {
    private EventCodec() {}

    public static HttpEvent decode(byte[] event) {
        String version = null, rawPath = null, path = null, httpMethod = null, contextMethod = null, body = null;
        String modelName = null, modelVersion = null, inferenceHeader = null;
        boolean base64 = false, hasContext = false, elb = false, multiValueHeaders = false, protocolFields = false;
        try (JsonParser p = Json.FACTORY.createParser(event)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ProtocolException.badRequest(
                        "the event must be a JSON object: an API Gateway or ALB event, or an infer request");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "version" -> version = text(p);
                    case "rawPath" -> rawPath = text(p);
                    case "path" -> path = text(p);
                    case "httpMethod" -> httpMethod = text(p);
                    case "body" -> body = text(p);
                    case "isBase64Encoded" -> base64 = value == JsonToken.VALUE_TRUE;
                    case "headers" -> {
                        String found = inferenceHeader(p);
                        if (found != null) inferenceHeader = found;
                    }
                    case "multiValueHeaders" -> {
                        multiValueHeaders = value == JsonToken.START_OBJECT;
                        String found = inferenceHeader(p);
                        if (found != null) inferenceHeader = found;
                    }
                    case "requestContext" -> {
                        hasContext = value == JsonToken.START_OBJECT;
                        if (hasContext) {
                            String[] found = requestContext(p);
                            contextMethod = found[0];
                            elb = found[1] != null;
                        }
                    }
                    case "inputs", "instances" -> {
                        protocolFields = true;
                        p.skipChildren();
                    }
                    case BatchEvent.ITEMS -> {
                        // only a Distributed Map batch has "Items": BatchEvent reads it, so no pass over it here
                        return new HttpEvent(EventKind.BATCH, "POST", null, event, false);
                    }
                    case "model_name" -> modelName = text(p);
                    case "model_version" -> modelVersion = text(p);
                    default -> p.skipChildren();
                }
            }
        } catch (StreamConstraintsException e) {
            throw ProtocolException.tooLarge("the event exceeds a JSON limit: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw ProtocolException.badRequest("the event is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // reading a byte array fails only on its content, such as bytes Jackson takes for UTF-32 (found by fuzzing)
            throw ProtocolException.badRequest("the event is not valid JSON: " + e.getMessage());
        }

        if (hasContext && "2.0".equals(version) && contextMethod != null) {
            return new HttpEvent(
                    EventKind.HTTP_API_V2, contextMethod, rawPath, body(body, base64), false, inferenceHeader);
        }
        if (hasContext && httpMethod != null) {
            return new HttpEvent(
                    elb ? EventKind.ALB : EventKind.REST_API_V1,
                    httpMethod,
                    path,
                    body(body, base64),
                    multiValueHeaders,
                    inferenceHeader);
        }
        if (protocolFields) {
            return new HttpEvent(EventKind.DIRECT, "POST", directPath(modelName, modelVersion), event, false);
        }
        throw ProtocolException.badRequest(
                "unrecognised event: expected an API Gateway (HTTP API 2.0 or REST 1.0) or "
                        + "ALB event, a Distributed Map batch with \"Items\", or an infer request with \"inputs\" or \"instances\"");
    }

    /** The path a direct invocation addresses: its model_name, or the only model ("" resolves later). */
    private static String directPath(String modelName, String modelVersion) {
        String model = modelName == null ? LambdaFunction.ONLY_MODEL : modelName;
        return modelVersion == null
                ? "/v2/models/" + model + "/infer"
                : "/v2/models/" + model + "/versions/" + modelVersion + "/infer";
    }

    /**
     * The binary data extension's header from a headers object (single values) or a multiValueHeaders
     * one (arrays: the first value); names are matched ignoring case, as REST API events keep the client's.
     */
    private static String inferenceHeader(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            boolean wanted = p.currentName().equalsIgnoreCase(BinaryData.HEADER);
            JsonToken value = p.nextToken();
            if (wanted && value == JsonToken.VALUE_STRING) found = p.getText();
            else if (wanted && value == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (found == null && p.currentToken() == JsonToken.VALUE_STRING) found = p.getText();
                    else p.skipChildren();
                }
            } else p.skipChildren();
        }
        return found;
    }

    /** Returns {http.method, elb marker} from a requestContext object. */
    private static String[] requestContext(JsonParser p) throws IOException {
        String method = null, elb = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("http") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String inner = p.currentName();
                    p.nextToken();
                    if (inner.equals("method")) method = text(p);
                    else p.skipChildren();
                }
            } else {
                if (field.equals("elb")) elb = "elb";
                p.skipChildren();
            }
        }
        return new String[] {method, elb};
    }

    private static String text(JsonParser p) throws IOException {
        return p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    private static byte[] body(String body, boolean base64) {
        if (body == null) return new byte[0];
        if (!base64) return body.getBytes(StandardCharsets.UTF_8);
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw ProtocolException.badRequest("the event says its body is base64, but it is not: " + e.getMessage());
        }
    }

    /** The answer in the event's own shape; a direct invocation or a batch gets the bare body. */
    public static byte[] encode(HttpEvent event, int status, byte[] body, Map<String, String> headers) {
        return encode(event, status, body, false, headers);
    }

    /** @param binary whether the body holds binary data (the binary data extension): it goes base64-encoded */
    public static byte[] encode(HttpEvent event, int status, byte[] body, boolean binary, Map<String, String> headers) {
        EventKind kind = event == null ? EventKind.DIRECT : event.kind();
        if (kind == EventKind.DIRECT || kind == EventKind.BATCH) return body;
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("statusCode", status);
            if (kind == EventKind.ALB) g.writeStringField("statusDescription", status + " " + reason(status));
            g.writeFieldName(event.multiValueHeaders() ? "multiValueHeaders" : "headers");
            g.writeStartObject();
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (event.multiValueHeaders()) {
                    g.writeArrayFieldStart(header.getKey());
                    g.writeString(header.getValue());
                    g.writeEndArray();
                } else {
                    g.writeStringField(header.getKey(), header.getValue());
                }
            }
            g.writeEndObject();
            if (binary) {
                g.writeStringField("body", Base64.getEncoder().encodeToString(body));
            } else {
                g.writeFieldName("body");
                g.writeUTF8String(body, 0, body.length); // JSON text as it is
            }
            g.writeBooleanField("isBase64Encoded", binary);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Payload Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
