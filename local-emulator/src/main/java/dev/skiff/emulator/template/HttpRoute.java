package dev.skiff.emulator.template;

/**
 * One route of an HTTP API: {@code METHOD /path} (or {@code $default}), where it goes and who may call it.
 *
 * @param method an upper-case HTTP method, or ANY
 * @param path the route path with {@code {param}} and {@code {proxy+}} segments, or {@code $default}
 * @param source where the template declares it, for messages
 */
public record HttpRoute(
        String apiId,
        String method,
        String path,
        RouteTarget target,
        String payloadFormatVersion,
        int timeoutMillis,
        String source,
        RouteAuth auth) {

    /** A route that answers without authorization. */
    public HttpRoute(
            String apiId,
            String method,
            String path,
            RouteTarget target,
            String payloadFormatVersion,
            int timeoutMillis,
            String source) {
        this(apiId, method, path, target, payloadFormatVersion, timeoutMillis, source, RouteAuth.NONE);
    }

    /** The route key as API Gateway writes it: {@code POST /v2/models/{model}/infer} or {@code $default}. */
    public String routeKey() {
        return path.equals("$default") ? "$default" : method + " " + path;
    }
}
