package dev.skiff.gpu.observability;

import dev.skiff.gpu.provider.ExecutionProvider;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The pool's Prometheus metrics, per model and version: requests, errors, latency, queue time,
 * batch size, inference time, queue depth, and the execution provider.
 */
public final class PoolMetrics {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final double[] LATENCY_SECONDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };
    private static final double[] BATCH_ROWS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final String provider;
    private final Counter requests;
    private final Counter errors;
    private final Histogram requestSeconds;
    private final Histogram queueSeconds;
    private final Histogram batchRows;
    private final Histogram batchRequests;
    private final Histogram inferenceSeconds;
    private final Counter batchFallbacks;
    private final Gauge queueDepth;

    public PoolMetrics(ExecutionProvider executionProvider) {
        this.provider = executionProvider.label();
        Info.builder()
                .name("skiff_execution_provider_info")
                .help("The ONNX Runtime execution provider this server chose at start")
                .labelNames("provider", "device")
                .register(registry)
                .setLabelValues(provider, Integer.toString(executionProvider.deviceId()));
        requests = Counter.builder()
                .name("skiff_requests_total")
                .help("Requests answered, by model, version and HTTP status")
                .labelNames("model", "version", "status")
                .register(registry);
        errors = Counter.builder()
                .name("skiff_request_errors_total")
                .help("Requests answered with a 4xx or 5xx status")
                .labelNames("model", "version", "kind")
                .register(registry);
        requestSeconds = Histogram.builder()
                .name("skiff_request_duration_seconds")
                .help("Time from the request's arrival to its answer")
                .classicOnly()
                .classicUpperBounds(LATENCY_SECONDS)
                .labelNames("model", "version")
                .register(registry);
        queueSeconds = Histogram.builder()
                .name("skiff_queue_duration_seconds")
                .help("Time a request waited in its version's queue before its batch ran")
                .classicOnly()
                .classicUpperBounds(LATENCY_SECONDS)
                .labelNames("model", "version")
                .register(registry);
        batchRows = Histogram.builder()
                .name("skiff_batch_rows")
                .help("Rows per model run")
                .classicOnly()
                .classicUpperBounds(BATCH_ROWS)
                .labelNames("model", "version")
                .register(registry);
        batchRequests = Histogram.builder()
                .name("skiff_batch_requests")
                .help("Requests merged into one model run")
                .classicOnly()
                .classicUpperBounds(BATCH_ROWS)
                .labelNames("model", "version")
                .register(registry);
        inferenceSeconds = Histogram.builder()
                .name("skiff_inference_duration_seconds")
                .help("Time of one model run (a batch), on the execution provider")
                .classicOnly()
                .classicUpperBounds(LATENCY_SECONDS)
                .labelNames("model", "version", "provider")
                .register(registry);
        batchFallbacks = Counter.builder()
                .name("skiff_batch_fallbacks_total")
                .help("Merged batches that failed and were run again request by request")
                .labelNames("model", "version")
                .register(registry);
        queueDepth = Gauge.builder()
                .name("skiff_queue_depth")
                .help("Requests waiting in a version's queue")
                .labelNames("model", "version")
                .register(registry);
    }

    public String provider() {
        return provider;
    }

    public void request(String model, String version, int status, long nanos) {
        String m = model == null ? "none" : model;
        String v = version == null ? "none" : version;
        requests.labelValues(m, v, Integer.toString(status)).inc();
        if (status >= 400)
            errors.labelValues(m, v, status >= 500 ? "server" : "client").inc();
        requestSeconds.labelValues(m, v).observe(seconds(nanos));
    }

    public void queued(String model, String version, long nanos) {
        queueSeconds.labelValues(model, version).observe(seconds(nanos));
    }

    public void batch(String model, String version, int requestCount, long rowCount, long nanos) {
        batchRequests.labelValues(model, version).observe(requestCount);
        batchRows.labelValues(model, version).observe(rowCount);
        inferenceSeconds.labelValues(model, version, provider).observe(seconds(nanos));
    }

    public void batchFallback(String model, String version) {
        batchFallbacks.labelValues(model, version).inc();
    }

    public void queueDepth(String model, String version, int depth) {
        queueDepth.labelValues(model, version).set(depth);
    }

    /** The Prometheus text exposition of every metric. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
