package dev.skiff.gpu;

import dev.skiff.gpu.http.HttpFrontend;
import dev.skiff.gpu.http.ManagementApi;
import dev.skiff.gpu.http.PoolRequestHandler;
import dev.skiff.gpu.observability.PoolMetrics;
import dev.skiff.gpu.observability.ServerLog;
import dev.skiff.gpu.provider.ExecutionProvider;
import dev.skiff.gpu.provider.ExecutionProviderSelector;
import dev.skiff.gpu.repository.ModelRegistry;
import dev.skiff.gpu.repository.RepositoryWatcher;
import dev.skiff.gpu.repository.VersionLoader;
import dev.skiff.gpu.routing.AliasFileLoader;
import dev.skiff.gpu.routing.AliasTable;
import dev.skiff.gpu.routing.PoolBackend;
import dev.skiff.runtime.api.InferenceApi;
import dev.skiff.runtime.observability.RequestLog;
import dev.skiff.runtime.protocol.ResponseWriter;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The GPU pool's inference server: the Open Inference Protocol over HTTP, as the Lambda handler
 * answers it, with dynamic batching, run-time versions and aliases, and a drain on SIGTERM.
 * <p>{@code java -cp 'gpu-fallback/target/lib/*' dev.skiff.gpu.GpuServer --models DIR --port N}
 */
public final class GpuServer implements AutoCloseable {
    private final ServerOptions options;
    private final ServerLog log;
    private final ExecutionProvider provider;
    private final PoolMetrics metrics;
    private final ModelRegistry registry;
    private final AliasTable aliases;
    private final PoolBackend backend;
    private final ExecutorService answering;
    private final PoolRequestHandler handler;
    private final AliasFileLoader aliasFile;
    private final HttpFrontend http;
    private final AtomicBoolean drained = new AtomicBoolean();
    private volatile RepositoryWatcher watcher;

    private GpuServer(ServerOptions options, PrintStream out) throws Exception {
        this.options = options;
        this.log = new ServerLog(out);
        this.provider = ExecutionProviderSelector.select(options.executionProvider(), options.cudaDevice());
        log.info("execution provider chosen", "provider", provider.label(), "device", provider.deviceId(),
                "reason", provider.reason());
        this.metrics = new PoolMetrics(provider);
        this.registry = new ModelRegistry(options.models(), new VersionLoader(provider, options.batching(), metrics), log,
                options.drainTimeout());
        this.aliases = new AliasTable();
        this.backend = new PoolBackend(registry, aliases);
        this.aliasFile = options.aliasesFile() == null ? null : new AliasFileLoader(options.aliasesFile(), aliases, registry, log);
        ManagementApi management = options.management() ? new ManagementApi(registry, aliases, log) : null;
        this.answering = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("answer-", 0).factory());
        this.handler = new PoolRequestHandler(new InferenceApi(backend, options.maxBodyBytes()), backend, management, metrics,
                new RequestLog(out, PoolRequestHandler.TARGET), options.maxBodyBytes(), answering,
                ResponseWriter.serverMetadata(InferenceApi.SERVER_NAME, InferenceApi.SERVER_VERSION, extensions()));
        this.http = HttpFrontend.start(options.host(), options.port(), handler);
        log.info("listening", "host", options.host(), "port", http.port(), "models", options.models().toString(),
                "batching", options.batching());
    }

    /**
     * Starts listening (live at once, not ready), then loads and warms every model, applies the
     * aliases file, and becomes ready.
     */
    public static GpuServer start(ServerOptions options) throws Exception {
        return start(options, System.out);
    }

    public static GpuServer start(ServerOptions options, PrintStream logOut) throws Exception {
        GpuServer server = new GpuServer(options, logOut);
        try {
            server.loadModels();
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void loadModels() {
        long start = System.nanoTime();
        registry.loadAll(options.only());
        if (aliasFile != null) aliasFile.apply();
        if (!options.pollInterval().isZero()) {
            watcher = new RepositoryWatcher(registry, aliases, aliasFile, options.pollInterval(), log);
        }
        log.info(backend.ready() ? "ready" : "not ready: a model has no version that loads", "models", registry.modelNames().toString(),
                "loadMs", (System.nanoTime() - start) / 1_000_000, "provider", provider.label());
    }

    /** Extensions named in server metadata: the execution provider is reported here. */
    private List<String> extensions() {
        List<String> extensions = new ArrayList<>();
        if (options.management()) extensions.add("model_repository");
        extensions.add("skiff_aliases");
        extensions.add("skiff_execution_provider_" + provider.label().toLowerCase(Locale.ROOT));
        return extensions;
    }

    public int port() {
        return http.port();
    }

    public ExecutionProvider provider() {
        return provider;
    }

    public ModelRegistry registry() {
        return registry;
    }

    public AliasTable aliases() {
        return aliases;
    }

    public PoolMetrics metrics() {
        return metrics;
    }

    /**
     * What SIGTERM does: stop taking requests (readiness false, new requests 503), let every
     * request in flight finish, including those queued for a batch, then close.
     *
     * @return true when everything in flight finished within the timeout
     */
    public boolean drain(Duration timeout) {
        if (!drained.compareAndSet(false, true)) return true;
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        log.info("draining", "inFlight", handler.inFlight(), "timeoutMs", timeout.toMillis());
        backend.startDraining();
        if (watcher != null) watcher.close();
        boolean finished = true;
        while (handler.inFlight() > 0) {
            if (System.nanoTime() > deadline) {
                finished = false;
                break;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
                break;
            }
        }
        int abandoned = handler.inFlight();
        registry.close();
        try {
            http.close();
        } catch (Exception e) {
            log.warn("stopping the HTTP server failed", "error", e.toString());
        }
        answering.shutdown();
        log.info(finished ? "drained" : "drain timed out", "drainMs", (System.nanoTime() - start) / 1_000_000,
                "abandoned", abandoned);
        return finished;
    }

    @Override
    public void close() {
        drain(options.drainTimeout());
    }

    public void join() throws InterruptedException {
        http.join();
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(ServerOptions.USAGE);
            return;
        }
        ServerOptions options;
        try {
            options = ServerOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        GpuServer server;
        try {
            server = start(options);
        } catch (Exception | Error e) {
            new ServerLog(System.out).error("the server could not start", "reason", e.getMessage(), "error", e.toString());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.drain(options.drainTimeout()), "sigterm-drain"));
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
