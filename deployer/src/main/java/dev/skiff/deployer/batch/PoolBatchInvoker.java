package dev.skiff.deployer.batch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Posts each batch event to a GPU pool's {@code /v2/models/{m}/versions/{v}/batch} (gpu-fallback),
 * which answers as the model's function would. A 503 (queue full, loading, reloading) is retried
 * after the pool's Retry-After, a few times, as the state machine retries a throttled Lambda; any
 * other answer, a 4xx's {@code {"error": ...}} included, goes back to {@link LocalBatchRun}.
 */
public final class PoolBatchInvoker implements BatchInvoker {
    static final int ATTEMPTS = 6;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final HttpClient http;
    private final URI batchUri;
    private final Duration firstWait;

    /**
     * @param pool the pool's serving address, such as {@code http://127.0.0.1:8080}
     * @param version a version number or alias
     */
    public PoolBatchInvoker(HttpClient http, URI pool, String model, String version) {
        this(http, pool, model, version, Duration.ofSeconds(1));
    }

    PoolBatchInvoker(HttpClient http, URI pool, String model, String version, Duration firstWait) {
        this.http = http;
        String base = pool.toString().replaceAll("/+$", "");
        this.batchUri = URI.create(base + "/v2/models/" + BatchInvoker.pathSegment(model) + "/versions/"
                + BatchInvoker.pathSegment(version) + "/batch");
        this.firstWait = firstWait;
    }

    public URI batchUri() {
        return batchUri;
    }

    @Override
    public byte[] invoke(byte[] event) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(batchUri)
                .timeout(TIMEOUT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(event))
                .build();
        Duration wait = firstWait;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 503) {
                if (response.statusCode() >= 500) throw failed(response);
                return response.body();
            }
            if (attempt == ATTEMPTS) throw failed(response);
            Thread.sleep(wait.toMillis());
            wait = wait.multipliedBy(2);
        }
    }

    private IllegalStateException failed(HttpResponse<byte[]> response) {
        return new IllegalStateException("POST " + batchUri + " answered " + response.statusCode() + ": "
                + new String(response.body(), StandardCharsets.UTF_8));
    }
}
