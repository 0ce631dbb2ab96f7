package dev.skiff.emulator.httpapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.emulator.server.HttpCall;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the event an HTTP API sends a Lambda proxy integration in payload format 2.0: lower-case
 * headers with repeated values joined by commas, cookies apart, query parameters, path
 * parameters, the request context with what the route's authorizer found, and the body (base64 unless it is text).
 * {@code rawPath} is the decoded path: HTTP APIs decode it (unlike REST APIs and function URLs).
 */
final class HttpApiEvent {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    private HttpApiEvent() {}

    /** @param authorizer {@code requestContext.authorizer}: the caller's JWT claims or IAM identity, or null */
    static byte[] build(
            HttpCall call,
            RouteTable.Match match,
            String apiId,
            String requestId,
            String traceId,
            int localPort,
            ObjectNode authorizer) {
        ObjectNode event = JSON.createObjectNode();
        String routeKey = match.route().routeKey();
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", call.path());
        event.put("rawQueryString", call.rawQuery() == null ? "" : call.rawQuery());

        Map<String, String> headers = new LinkedHashMap<>();
        ArrayNode cookies = JSON.createArrayNode();
        call.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                values.forEach(v -> List.of(v.split(";")).forEach(c -> {
                    if (!c.isBlank()) {
                        cookies.add(c.trim());
                    }
                }));
            } else {
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        headers.putIfAbsent("x-forwarded-for", call.remoteAddress());
        headers.putIfAbsent("x-forwarded-port", String.valueOf(localPort));
        headers.putIfAbsent("x-forwarded-proto", "http");
        headers.putIfAbsent("x-amzn-trace-id", traceId.substring(0, traceId.indexOf(';')));
        if (!cookies.isEmpty()) {
            event.set("cookies", cookies);
        }
        event.set("headers", JSON.valueToTree(headers));

        Map<String, String> query = queryParameters(call.rawQuery());
        if (!query.isEmpty()) {
            event.set("queryStringParameters", JSON.valueToTree(query));
        }

        String host = headers.getOrDefault("host", "localhost");
        String domainName = host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012");
        context.put("apiId", apiId);
        if (authorizer != null) {
            context.set("authorizer", authorizer);
        }
        context.put("domainName", domainName);
        context.put(
                "domainPrefix",
                domainName.contains(".") ? domainName.substring(0, domainName.indexOf('.')) : domainName);
        ObjectNode http = context.putObject("http");
        http.put("method", call.method());
        http.put("path", call.path());
        http.put("protocol", call.protocol());
        http.put("sourceIp", call.remoteAddress());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", requestId);
        context.put("routeKey", routeKey);
        context.put("stage", "$default");
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        context.put("time", now.format(REQUEST_TIME));
        context.put("timeEpoch", now.toInstant().toEpochMilli());

        boolean text = sentAsText(headers.get("content-type"), headers.get("content-encoding"), call.body());
        if (call.body().length > 0) {
            event.put(
                    "body",
                    text
                            ? new String(call.body(), StandardCharsets.UTF_8)
                            : Base64.getEncoder().encodeToString(call.body()));
        }
        if (!match.pathParameters().isEmpty()) {
            event.set("pathParameters", JSON.valueToTree(match.pathParameters()));
        }
        event.put("isBase64Encoded", call.body().length > 0 && !text);
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether the body goes to the function as a string: a text content type, not content-encoded
     * (a gzip body is bytes whatever its type says) and valid UTF-8, so no byte is ever lost; any
     * other body goes base64-encoded with {@code isBase64Encoded} true.
     */
    static boolean sentAsText(String contentType, String contentEncoding, byte[] body) {
        if (contentEncoding != null
                && !contentEncoding.isBlank()
                && !contentEncoding.trim().equalsIgnoreCase("identity")) {
            return false;
        }
        return isText(contentType) && isUtf8(body);
    }

    private static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Text content types go as they are; anything else base64-encoded, as API Gateway does. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return true; // API Gateway treats a body without a content type as text
        }
        String type = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
        return type.startsWith("text/")
                || type.equals("application/json")
                || type.endsWith("+json")
                || type.equals("application/xml")
                || type.endsWith("+xml")
                || type.equals("application/javascript")
                || type.equals("application/x-www-form-urlencoded")
                || type.equals("application/graphql");
    }

    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            values.merge(key, value, (a, b) -> a + "," + b);
        }
        return values;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // a malformed escape passes through as sent
        }
    }
}
