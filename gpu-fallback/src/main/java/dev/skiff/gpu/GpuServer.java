package dev.skiff.gpu;

import dev.skiff.gpu.grpc.GrpcFrontend;
import dev.skiff.gpu.grpc.InferenceService;
import dev.skiff.gpu.http.HttpFrontend;
import dev.skiff.gpu.http.ManagementApi;
import dev.skiff.gpu.http.PoolRequestHandler;
import dev.skiff.gpu.observability.CaptureLog;
import dev.skiff.gpu.observability.PoolMetrics;
import dev.skiff.gpu.provider.ExecutionProvider;
import dev.skiff.gpu.provider.ExecutionProviderSelector;
import dev.skiff.gpu.repository.GoneVersions;
import dev.skiff.gpu.repository.ModelRegistry;
import dev.skiff.gpu.repository.RepositoryWatcher;
import dev.skiff.gpu.repository.VersionLoader;
import dev.skiff.gpu.routing.AliasFileLoader;
import dev.skiff.gpu.routing.AliasTable;
import dev.skiff.gpu.routing.PoolBackend;
import dev.skiff.gpu.routing.StoreAliases;
import dev.skiff.gpu.store.StorePoller;
import dev.skiff.gpu.store.StoreSync;
import dev.skiff.runtime.api.InferenceApi;
import dev.skiff.runtime.capture.Capturer;
import dev.skiff.runtime.observability.RequestLog;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.store.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The GPU pool's inference server: the Open Inference Protocol over HTTP, as the Lambda handler
 * answers it, with dynamic batching, run-time versions and aliases, and a drain on SIGTERM. Its own
 * events go to SLF4J (one JSON object a line on stdout, logback.xml); the per-request lines are the
 * core's {@link RequestLog}.
 * <p>{@code java -cp 'gpu-fallback/target/lib/*' dev.skiff.gpu.GpuServer --models DIR --port N}
 */
public final class GpuServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpuServer.class);

    private final ServerOptions options;
    private final ExecutionProvider provider;
    private final PoolMetrics metrics;
    private final ModelRegistry registry;
    private final AliasTable aliases;
    private final PoolBackend backend;
    private final ExecutorService answering;
    private final PoolRequestHandler handler;
    private final PoolRequestHandler managementHandler; // null with --management off
    private final AliasFileLoader aliasFile;
    private final HttpFrontend http;
    private final HttpFrontend managementHttp; // null with --management off
    private final GrpcFrontend grpc; // null without --grpc-port
    private final InferenceService grpcService; // null without --grpc-port
    private final AtomicBoolean drained = new AtomicBoolean();
    private final CaptureLog captureLog;
    private final ModelStore store; // null for a directory served in place
    private final StorePoller storePoller; // null for a directory served in place
    private final Path temporaryCache; // the store's versions without --store-cache, else null
    private volatile RepositoryWatcher watcher;

    private GpuServer(ServerOptions options, PrintStream requestLog) throws Exception {
        this.options = options;
        this.provider = ExecutionProviderSelector.select(options.executionProvider(), options.cudaDevice());
        LOG.atInfo()
                .addKeyValue("provider", provider.label())
                .addKeyValue("device", provider.deviceId())
                .addKeyValue("reason", provider.reason())
                .log("execution provider chosen");
        this.metrics = new PoolMetrics(provider);
        this.store = options.store() == null ? null : ModelStore.open(options.store(), options.storeEndpoint());
        this.temporaryCache = store != null && options.models() == null ? temporaryCache() : null;
        StoreSync sync = store == null
                ? null
                : new StoreSync(store, temporaryCache != null ? temporaryCache : options.models(), options.only());
        this.registry = new ModelRegistry(
                sync == null ? options.models() : sync.models(),
                new VersionLoader(provider, options.batching(), metrics),
                options.drainTimeout());
        this.aliases = new AliasTable();
        this.storePoller = sync == null
                ? null
                : new StorePoller(
                        sync,
                        registry,
                        new StoreAliases(store, aliases, registry),
                        new GoneVersions(registry, aliases));
        this.backend = new PoolBackend(registry, aliases, options.strictReadiness(), options.stackModels());
        this.aliasFile =
                options.aliasesFile() == null ? null : new AliasFileLoader(options.aliasesFile(), aliases, registry);
        this.answering = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("answer-", 0).factory());
        this.captureLog = new CaptureLog(requestLog);
        RequestLog requestLines = new RequestLog(requestLog, PoolRequestHandler.TARGET);
        InferenceApi api = new InferenceApi(
                backend,
                options.maxBodyBytes(),
                new Capturer(
                        PoolRequestHandler.TARGET,
                        (line, length) -> captureLog.offer(new String(line, 0, length, StandardCharsets.UTF_8))));
        this.handler = PoolRequestHandler.serving(
                api,
                backend,
                metrics,
                requestLines,
                options.maxBodyBytes(),
                answering,
                ResponseWriter.serverMetadata(InferenceApi.SERVER_NAME, InferenceApi.SERVER_VERSION, extensions()));
        this.managementHandler = options.management()
                ? PoolRequestHandler.management(
                        new ManagementApi(registry, aliases, storePoller),
                        backend,
                        metrics,
                        requestLines,
                        options.maxBodyBytes(),
                        answering)
                : null;
        this.http = HttpFrontend.start(options.host(), options.port(), handler);
        try {
            this.managementHttp = managementHandler == null
                    ? null
                    : HttpFrontend.start(options.managementHost(), options.managementPort(), managementHandler);
        } catch (Exception e) {
            http.close();
            throw new IllegalStateException(
                    "the management listener cannot bind " + options.managementHost() + ":"
                            + options.managementPort() + " (" + e.getMessage() + "); pick another "
                            + "--management-port, 0 for any free one, or --management off",
                    e);
        }
        this.grpcService = options.grpcPort() == ServerOptions.GRPC_OFF
                ? null
                : new InferenceService(api, backend, metrics, requestLines, extensions());
        try {
            this.grpc = grpcService == null
                    ? null
                    : GrpcFrontend.start(
                            options.host(), options.grpcPort(), grpcService, answering, options.maxBodyBytes());
        } catch (IOException e) {
            http.close();
            if (managementHttp != null) managementHttp.close();
            throw new IllegalStateException(
                    "the gRPC listener cannot bind " + options.host() + ":" + options.grpcPort() + " (" + e.getMessage()
                            + "); pick another --grpc-port, 0 for any free one",
                    e);
        }
        LOG.atInfo()
                .addKeyValue("host", options.host())
                .addKeyValue("port", http.port())
                .addKeyValue("models", store == null ? options.models().toString() : store.describe())
                .addKeyValue("batching", options.batching())
                .log("listening");
        if (managementHttp != null) {
            LOG.atInfo()
                    .addKeyValue("host", options.managementHost())
                    .addKeyValue("port", managementHttp.port())
                    .log("management listening");
        }
        if (grpc != null) {
            LOG.atInfo()
                    .addKeyValue("host", options.host())
                    .addKeyValue("port", grpc.port())
                    .log("grpc listening");
        }
    }

    /**
     * Starts listening (live at once, not ready), then loads and warms every model, applies the
     * aliases file, and becomes ready.
     */
    public static GpuServer start(ServerOptions options) throws Exception {
        return start(options, System.out);
    }

    /** @param requestLog where the per-request lines go (stdout in a real server, beside the server's own lines) */
    public static GpuServer start(ServerOptions options, PrintStream requestLog) throws Exception {
        GpuServer server = new GpuServer(options, requestLog);
        try {
            server.loadModels();
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Where an s3:// store's versions go without --store-cache; deleted when the server stops. */
    private static Path temporaryCache() {
        try {
            return Files.createTempDirectory("skiff-store-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the store's versions", e);
        }
    }

    private void loadModels() {
        long start = System.nanoTime();
        if (storePoller != null) {
            storePoller.startUp(options.only());
            if (!options.pollInterval().isZero()) storePoller.start(options.pollInterval());
        } else {
            registry.loadAll(options.only());
            if (aliasFile != null) aliasFile.apply();
            if (!options.pollInterval().isZero()) {
                watcher = new RepositoryWatcher(registry, aliases, aliasFile, options.pollInterval());
            }
        }
        LOG.atInfo()
                .addKeyValue("models", registry.modelNames().toString())
                .addKeyValue("loadMs", (System.nanoTime() - start) / 1_000_000)
                .addKeyValue("failed", registry.failedModels().toString())
                .addKeyValue("provider", provider.label())
                .log(backend.ready() ? "ready" : "not ready: a version an alias routes to does not serve");
    }

    /** Extensions named in server metadata: the execution provider is reported here. */
    private List<String> extensions() {
        List<String> extensions = new ArrayList<>(InferenceApi.EXTENSIONS);
        if (options.management()) extensions.add("model_repository");
        extensions.add("skiff_aliases");
        extensions.add("skiff_execution_provider_" + provider.label().toLowerCase(Locale.ROOT));
        return extensions;
    }

    public int port() {
        return http.port();
    }

    /** The gRPC listener's port; -1 without {@code --grpc-port}. */
    public int grpcPort() {
        return grpc == null ? -1 : grpc.port();
    }

    /** The management listener's port; -1 with {@code --management off}. */
    public int managementPort() {
        return managementHttp == null ? -1 : managementHttp.port();
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
        LOG.atInfo()
                .addKeyValue("inFlight", handler.inFlight())
                .addKeyValue("timeoutMs", timeout.toMillis())
                .log("draining");
        backend.startDraining();
        if (watcher != null) watcher.close();
        if (storePoller != null) storePoller.close();
        boolean finished = true;
        while (inFlight() > 0) {
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
        int abandoned = inFlight();
        registry.close();
        try {
            http.close();
            if (managementHttp != null) managementHttp.close();
            if (grpc != null) grpc.close();
        } catch (Exception e) {
            LOG.atWarn().setCause(e).log("stopping the HTTP server failed");
        }
        answering.shutdown();
        captureLog.close();
        if (store != null) store.close();
        if (temporaryCache != null) StoreSync.deleteQuietly(temporaryCache);
        LOG.atInfo()
                .addKeyValue("drainMs", (System.nanoTime() - start) / 1_000_000)
                .addKeyValue("abandoned", abandoned)
                .log(finished ? "drained" : "drain timed out");
        return finished;
    }

    private int inFlight() {
        return handler.inFlight()
                + (managementHandler == null ? 0 : managementHandler.inFlight())
                + (grpcService == null ? 0 : grpcService.inFlight());
    }

    @Override
    public void close() {
        drain(options.drainTimeout());
    }

    public void join() throws InterruptedException {
        http.join();
    }

    /** Flags and environment variables as {@link ServerCommand} reads them ({@code --help} lists them). */
    public static void main(String[] args) {
        int exitCode =
                ServerCommand.commandLine(System.getenv(), GpuServer::serve).execute(args);
        // not on success: that return comes after SIGTERM, inside the JVM's own exit, where System.exit would hang
        if (exitCode != 0) System.exit(exitCode);
    }

    /** Starts a server and returns once SIGTERM has drained it: the process's exit code. */
    private static int serve(ServerOptions options) {
        GpuServer server;
        try {
            server = start(options);
        } catch (Exception | Error e) {
            LOG.atError()
                    .addKeyValue("reason", e.getMessage())
                    .addKeyValue("error", e.toString())
                    .log("the server could not start");
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.drain(options.drainTimeout()), "sigterm-drain"));
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
