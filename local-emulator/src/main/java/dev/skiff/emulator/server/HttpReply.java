package dev.skiff.emulator.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A response an endpoint sends: status, headers (a name may repeat) and body. */
public record HttpReply(int status, Map<String, List<String>> headers, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static HttpReply json(int status, Object body) {
        try {
            byte[] bytes = body instanceof byte[] raw ? raw : JSON.writeValueAsBytes(body);
            return new HttpReply(status, new LinkedHashMap<>(), bytes).with("Content-Type", "application/json");
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot write JSON", e);
        }
    }

    /** {@code {"message": "..."}}, the error body of API Gateway and of many Lambda errors. */
    public static HttpReply message(int status, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("message", message);
        return json(status, node);
    }

    public static HttpReply empty(int status) {
        return new HttpReply(status, new LinkedHashMap<>(), new byte[0]);
    }

    public HttpReply with(String name, String value) {
        headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        return this;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
