package dev.skiff.emulator.httpapi;

import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.server.HttpReply;
import dev.skiff.emulator.template.CorsRules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CORS as an HTTP API with a CORS configuration does it: it answers preflights itself (an OPTIONS
 * request with {@code Origin} and {@code Access-Control-Request-Method}), with or without an OPTIONS
 * route, and on a request with an allowed {@code Origin} it replaces whatever CORS headers the
 * integration sent with the configured ones.
 */
final class CorsResponder {

    private CorsResponder() {}

    static boolean isPreflight(HttpCall call) {
        return call.method().equals("OPTIONS")
                && call.header("Origin") != null
                && call.header("Access-Control-Request-Method") != null;
    }

    /** 204 with the configured headers when the origin is allowed, else 204 without them (the browser refuses). */
    static HttpReply preflight(HttpCall call, CorsRules cors) {
        HttpReply reply = HttpReply.empty(204);
        String origin = call.header("Origin");
        if (!cors.allows(origin)) {
            return reply;
        }
        reply.with("access-control-allow-origin", allowedOrigin(cors, origin));
        if (cors.allowCredentials()) {
            reply.with("access-control-allow-credentials", "true");
        }
        if (!cors.allowMethods().isEmpty()) {
            reply.with("access-control-allow-methods", String.join(",", cors.allowMethods()));
        }
        if (!cors.allowHeaders().isEmpty()) {
            reply.with("access-control-allow-headers", String.join(",", cors.allowHeaders()));
        }
        if (cors.maxAge() != null) {
            reply.with("access-control-max-age", String.valueOf(cors.maxAge()));
        }
        return reply;
    }

    /** The reply with the integration's CORS headers dropped and, for an allowed origin, the configured ones. */
    static HttpReply actual(HttpCall call, CorsRules cors, HttpReply reply) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        reply.headers().forEach((name, values) -> {
            if (!name.toLowerCase(Locale.ROOT).startsWith("access-control-")) {
                headers.put(name, values);
            }
        });
        HttpReply answer = new HttpReply(reply.status(), headers, reply.body());
        String origin = call.header("Origin");
        if (!cors.allows(origin)) {
            return answer;
        }
        answer.with("access-control-allow-origin", allowedOrigin(cors, origin));
        if (cors.allowCredentials()) {
            answer.with("access-control-allow-credentials", "true");
        }
        if (!cors.exposeHeaders().isEmpty()) {
            answer.with("access-control-expose-headers", String.join(",", cors.exposeHeaders()));
        }
        return answer;
    }

    /** {@code *} stays {@code *} unless credentials are allowed (browsers refuse {@code *} then); else the origin. */
    private static String allowedOrigin(CorsRules cors, String origin) {
        return cors.allowOrigins().contains("*") && !cors.allowCredentials() ? "*" : origin;
    }
}
