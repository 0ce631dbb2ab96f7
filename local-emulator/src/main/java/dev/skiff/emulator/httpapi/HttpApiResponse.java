package dev.skiff.emulator.httpapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.emulator.server.HttpReply;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a function's payload format 2.0 response into the HTTP response: a JSON object with
 * {@code statusCode} is used as it says (headers, cookies, body, isBase64Encoded); any other
 * valid JSON becomes a 200 application/json body; anything else is a 500, as API Gateway answers.
 */
final class HttpApiResponse {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpApiResponse() {}

    /** @return the reply, or null when the payload is not a response API Gateway accepts */
    static HttpReply from(byte[] payload) {
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (Exception e) {
            return null;
        }
        if (node == null) {
            return null;
        }
        if (!node.isObject() || !node.has("statusCode")) {
            return HttpReply.json(200, payload);
        }
        JsonNode status = node.get("statusCode");
        if (!status.canConvertToInt() || status.asInt() < 100 || status.asInt() > 599) {
            return null;
        }
        Map<String, java.util.List<String>> headers = new LinkedHashMap<>();
        HttpReply reply;
        JsonNode body = node.get("body");
        byte[] bytes;
        if (body == null || body.isNull()) {
            bytes = new byte[0];
        } else if (node.path("isBase64Encoded").asBoolean(false)) {
            try {
                bytes = Base64.getDecoder().decode(body.asText());
            } catch (IllegalArgumentException e) {
                return null;
            }
        } else {
            bytes = (body.isTextual() ? body.asText() : body.toString()).getBytes(StandardCharsets.UTF_8);
        }
        reply = new HttpReply(status.asInt(), headers, bytes);
        JsonNode responseHeaders = node.get("headers");
        if (responseHeaders != null && responseHeaders.isObject()) {
            responseHeaders
                    .properties()
                    .forEach(e -> reply.with(e.getKey(), e.getValue().asText()));
        }
        JsonNode multiValue = node.get("multiValueHeaders");
        if (multiValue != null && multiValue.isObject()) {
            multiValue.properties().forEach(e -> e.getValue().forEach(v -> reply.with(e.getKey(), v.asText())));
        }
        JsonNode cookies = node.get("cookies");
        if (cookies != null && cookies.isArray()) {
            cookies.forEach(c -> reply.with("Set-Cookie", c.asText()));
        }
        if (reply.headers().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            reply.with("Content-Type", "application/json");
        }
        return reply;
    }
}
