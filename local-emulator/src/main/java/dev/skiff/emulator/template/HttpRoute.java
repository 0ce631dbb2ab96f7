package dev.skiff.emulator.template;

/**
 * One route of an HTTP API: {@code METHOD /path} (or {@code $default}) and where it goes.
 *
 * @param method an upper-case HTTP method, or ANY
 * @param path the route path with {@code {param}} and {@code {proxy+}} segments, or {@code $default}
 * @param source where the template declares it, for messages
 */
public record HttpRoute(String apiId, String method, String path, RouteTarget target,
        String payloadFormatVersion, int timeoutMillis, String source) {

    /** The route key as API Gateway writes it: {@code POST /v2/models/{model}/infer} or {@code $default}. */
    public String routeKey() {
        return path.equals("$default") ? "$default" : method + " " + path;
    }
}
