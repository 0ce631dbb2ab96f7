package dev.skiff.emulator.template;

import java.util.List;

/**
 * An HTTP API's CORS configuration, from the OpenAPI extension {@code x-amazon-apigateway-cors} or
 * SAM's {@code CorsConfiguration}: what API Gateway answers a preflight with and adds to responses.
 *
 * @param allowOrigins origins, {@code *}, or a scheme wildcard such as {@code https://*}
 * @param maxAge seconds a browser may cache a preflight, or null for none
 */
public record CorsRules(
        List<String> allowOrigins,
        List<String> allowMethods,
        List<String> allowHeaders,
        List<String> exposeHeaders,
        Integer maxAge,
        boolean allowCredentials) {

    /** Whether this origin may call the API: listed, {@code *}, or matched by a {@code scheme://*} entry. */
    public boolean allows(String origin) {
        if (origin == null || origin.isEmpty()) {
            return false;
        }
        for (String allowed : allowOrigins) {
            if (allowed.equals("*") || allowed.equalsIgnoreCase(origin)) {
                return true;
            }
            if (allowed.endsWith("://*") && origin.regionMatches(true, 0, allowed, 0, allowed.length() - 1)) {
                return true;
            }
        }
        return false;
    }
}
