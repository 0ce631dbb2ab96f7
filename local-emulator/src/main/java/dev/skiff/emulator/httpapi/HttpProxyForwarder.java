package dev.skiff.emulator.httpapi;

import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.server.HttpReply;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP_PROXY integration: the request goes to the backend with its method, path, query,
 * headers and body, and the backend's answer comes back as it is, as API Gateway passes it.
 */
final class HttpProxyForwarder {
    /** Per-connection headers, and those the JDK client sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host",
            "content-length",
            "expect",
            "http2-settings");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /**
     * @param base the backend, {@code http://host:port}
     * @return the backend's answer; fails with an {@link HttpTimeoutException} past the timeout
     */
    CompletableFuture<HttpReply> forward(URI base, HttpCall call, int timeoutMillis, int localPort) {
        URI uri = URI.create(base + call.rawPath() + (call.rawQuery() == null ? "" : "?" + call.rawQuery()));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(timeoutMillis))
                .method(
                        call.method(),
                        call.body().length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) && !lower.startsWith("x-forwarded-"))
                values.forEach(v -> request.header(name, v));
        });
        if (call.remoteAddress() != null) request.header("x-forwarded-for", call.remoteAddress());
        request.header("x-forwarded-proto", "http");
        request.header("x-forwarded-port", Integer.toString(localPort));
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(HttpProxyForwarder::reply);
    }

    private static HttpReply reply(HttpResponse<byte[]> response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                headers.put(name, new ArrayList<>(values));
            }
        });
        return new HttpReply(response.statusCode(), headers, response.body());
    }
}
