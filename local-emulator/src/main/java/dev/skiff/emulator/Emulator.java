package dev.skiff.emulator;

import dev.skiff.emulator.auth.AuthSettings;
import dev.skiff.emulator.auth.LocalIssuer;
import dev.skiff.emulator.auth.RouteAuthorizer;
import dev.skiff.emulator.environment.EnvironmentHost;
import dev.skiff.emulator.environment.EnvironmentLauncher;
import dev.skiff.emulator.environment.EnvironmentPool;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.gpupool.GpuServerCommand;
import dev.skiff.emulator.gpupool.LocalGpuPool;
import dev.skiff.emulator.httpapi.HttpApiEndpoint;
import dev.skiff.emulator.httpapi.RouteTable;
import dev.skiff.emulator.invokeapi.LambdaApiEndpoint;
import dev.skiff.emulator.invokeapi.S3PackageReader;
import dev.skiff.emulator.lambda.CodePackage;
import dev.skiff.emulator.lambda.CodeStore;
import dev.skiff.emulator.lambda.FunctionRegistry;
import dev.skiff.emulator.lambda.FunctionVersion;
import dev.skiff.emulator.lambda.Invoker;
import dev.skiff.emulator.lambda.LambdaFunction;
import dev.skiff.emulator.runtimeapi.RuntimeApiEndpoint;
import dev.skiff.emulator.server.LoopbackHttpServer;
import dev.skiff.emulator.template.AliasDefinition;
import dev.skiff.emulator.template.FunctionDefinition;
import dev.skiff.emulator.template.GpuPoolDefinition;
import dev.skiff.emulator.template.SamTemplate;
import dev.skiff.emulator.template.SamTemplateLoader;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The local emulator, assembled from a SAM template: the Runtime API its environments talk to,
 * the functions with their versions and aliases, and optionally the Lambda API and the HTTP API
 * servers (its routes authorized as the template says), with the GPU pool run as a local gpu-fallback
 * server when routes go to it. Also scales idle environments to zero and reloads changed code.
 */
public final class Emulator implements AutoCloseable {

    /**
     * @param apiPort the HTTP API port, 0 for any free one, or -1 for none
     * @param lambdaPort the Lambda API port, 0 for any free one, or -1 for none
     * @param gpuServer how to start the GPU pool's server, or null for the Skiff distribution's (skiff.home)
     * @param auth how the HTTP API authorizes its routes
     * @param s3Endpoint where UpdateFunctionCode reads S3Bucket/S3Key packages, or null for nowhere
     */
    public record Options(
            Path template,
            Map<String, String> parameterOverrides,
            String host,
            int apiPort,
            int lambdaPort,
            String region,
            Duration idleTimeout,
            Duration reloadInterval,
            LogSink log,
            Path javaExecutable,
            GpuServerCommand gpuServer,
            AuthSettings auth,
            URI s3Endpoint) {

        public static Options defaults(Path template) {
            return new Options(
                    template,
                    Map.of(),
                    "127.0.0.1",
                    -1,
                    -1,
                    "us-east-1",
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(1),
                    LogSink.console(),
                    EnvironmentLauncher.currentJava(),
                    null,
                    AuthSettings.defaults(),
                    null);
        }

        public Options withPorts(int apiPort, int lambdaPort) {
            return with(b -> {
                b.apiPort = apiPort;
                b.lambdaPort = lambdaPort;
            });
        }

        public Options withIdleTimeout(Duration idle) {
            return with(b -> b.idleTimeout = idle);
        }

        public Options withLog(LogSink sink) {
            return with(b -> b.log = sink);
        }

        public Options withParameterOverrides(Map<String, String> overrides) {
            return with(b -> b.parameterOverrides = overrides);
        }

        public Options withGpuServer(GpuServerCommand command) {
            return with(b -> b.gpuServer = command);
        }

        public Options withAuth(AuthSettings settings) {
            return with(b -> b.auth = settings);
        }

        public Options withS3Endpoint(URI endpoint) {
            return with(b -> b.s3Endpoint = endpoint);
        }

        /** A copy with what {@code change} sets: each wither names only the fields it changes. */
        private Options with(Consumer<Copy> change) {
            Copy copy = new Copy(this);
            change.accept(copy);
            return copy.build();
        }

        /** The fields of an {@link Options}, settable one by one. */
        private static final class Copy {
            private final Path template;
            private Map<String, String> parameterOverrides;
            private final String host;
            private int apiPort;
            private int lambdaPort;
            private final String region;
            private Duration idleTimeout;
            private final Duration reloadInterval;
            private LogSink log;
            private final Path javaExecutable;
            private GpuServerCommand gpuServer;
            private AuthSettings auth;
            private URI s3Endpoint;

            private Copy(Options options) {
                template = options.template;
                parameterOverrides = options.parameterOverrides;
                host = options.host;
                apiPort = options.apiPort;
                lambdaPort = options.lambdaPort;
                region = options.region;
                idleTimeout = options.idleTimeout;
                reloadInterval = options.reloadInterval;
                log = options.log;
                javaExecutable = options.javaExecutable;
                gpuServer = options.gpuServer;
                auth = options.auth;
                s3Endpoint = options.s3Endpoint;
            }

            private Options build() {
                return new Options(
                        template,
                        parameterOverrides,
                        host,
                        apiPort,
                        lambdaPort,
                        region,
                        idleTimeout,
                        reloadInterval,
                        log,
                        javaExecutable,
                        gpuServer,
                        auth,
                        s3Endpoint);
            }
        }
    }

    private final SamTemplate template;
    private final EnvironmentHost host;
    private final FunctionRegistry registry;
    private final Invoker invoker;
    private final CodeStore codeStore;
    private final List<LoopbackHttpServer> servers = new ArrayList<>();
    private LoopbackHttpServer apiServer;
    private LoopbackHttpServer lambdaServer;
    private LocalGpuPool gpuPool;
    private RouteAuthorizer authorizer;
    private HttpApiEndpoint api;
    private S3PackageReader s3Packages = S3PackageReader.none();

    private Emulator(SamTemplate template, EnvironmentHost host, String region) throws IOException {
        this.template = template;
        this.host = host;
        this.registry = new FunctionRegistry(region, SamTemplateLoader.ACCOUNT_ID);
        this.invoker = new Invoker(registry);
        this.codeStore = CodeStore.temporary();
    }

    public static Emulator start(Options options) throws Exception {
        SamTemplate template =
                SamTemplateLoader.load(options.template(), options.parameterOverrides(), options.region());
        template.warnings().forEach(w -> options.log().line("Template", w));
        EnvironmentHost host =
                new EnvironmentHost(new EnvironmentLauncher(options.region(), options.javaExecutable()), options.log());
        Emulator emulator = new Emulator(template, host, options.region());
        try {
            emulator.startServers(options);
        } catch (Exception | Error e) {
            emulator.close();
            throw e;
        }
        return emulator;
    }

    private void startServers(Options options) throws Exception {
        // environments poll for minutes while idle: the Runtime API keeps silent connections open
        LoopbackHttpServer runtimeApi = LoopbackHttpServer.start(
                "skiff-runtime-api", "127.0.0.1", 0, TimeUnit.DAYS.toMillis(1), new RuntimeApiEndpoint(host));
        servers.add(runtimeApi);
        host.runtimeApiAddress("127.0.0.1:" + runtimeApi.port());

        for (FunctionDefinition definition : template.functions()) {
            CodePackage code = new CodePackage(definition.code());
            EnvironmentPool pool = new EnvironmentPool(
                    definition.functionName(),
                    definition.reservedConcurrency(),
                    host,
                    version -> version.codeDirectory() != null ? version.codeDirectory() : code.directory(),
                    EnvironmentPool.defaultMaxConcurrentInits());
            LambdaFunction function =
                    new LambdaFunction(definition, registry.arn(definition.functionName()), code, codeStore, pool);
            if (definition.autoPublishAlias() != null) { // what SAM does on deploy: version 1 and the alias on it
                FunctionVersion first = function.publishVersion(null, null, null);
                function.createAlias(definition.autoPublishAlias(), first.version(), "", Map.of());
            }
            registry.add(function);
        }
        for (AliasDefinition alias : template.aliases()) { // a deploy points them at the version it publishes: here, 1
            LambdaFunction function = registry.all().stream()
                    .filter(f -> f.name().equals(alias.functionName()))
                    .findFirst()
                    .orElse(null);
            if (function == null) {
                options.log()
                        .line(
                                "Template",
                                alias.logicalId() + ": alias " + alias.name() + " of " + alias.functionName()
                                        + ", a function this template does not run locally; skipped");
                continue;
            }
            FunctionVersion version =
                    function.versions().size() > 1 ? function.version("1") : function.publishVersion(null, null, null);
            function.createAlias(alias.name(), version.version(), "", Map.of());
        }

        long maxInvocationMillis = TimeUnit.MINUTES.toMillis(16);
        if (options.lambdaPort() >= 0) {
            if (options.s3Endpoint() != null) {
                s3Packages = S3PackageReader.at(options.s3Endpoint(), options.region());
            }
            lambdaServer = LoopbackHttpServer.start(
                    "skiff-lambda-api",
                    options.host(),
                    options.lambdaPort(),
                    maxInvocationMillis,
                    new LambdaApiEndpoint(invoker, host.timer(), s3Packages));
            servers.add(lambdaServer);
        }
        if (options.apiPort() >= 0) {
            if (template.hasGpuPoolRoutes()) {
                gpuPool = startGpuPool(options);
            }
            authorizer = RouteAuthorizer.create(
                    options.auth(),
                    template.routes(),
                    options.region(),
                    SamTemplateLoader.ACCOUNT_ID,
                    note -> options.log().line("Auth", note));
            api = new HttpApiEndpoint(
                    new RouteTable(template.routes()),
                    invoker,
                    options.log(),
                    gpuPool,
                    authorizer,
                    new LocalIssuer(options.auth().localIssuer()),
                    template::apiSettings);
            apiServer = LoopbackHttpServer.start(
                    "skiff-http-api", options.host(), options.apiPort(), maxInvocationMillis, api);
            api.listening(options.host(), apiServer.port());
            servers.add(apiServer);
        }

        long idleNanos = options.idleTimeout().toNanos();
        long idleCheckMillis = Math.max(50, Math.min(1000, options.idleTimeout().toMillis() / 4));
        host.timer()
                .scheduleWithFixedDelay(
                        () -> registry.all().forEach(f -> f.pool().stopIdle(idleNanos)),
                        idleCheckMillis,
                        idleCheckMillis,
                        TimeUnit.MILLISECONDS);
        long reloadMillis = Math.max(100, options.reloadInterval().toMillis());
        host.timer()
                .scheduleWithFixedDelay(
                        () -> reloadChangedCode(options.log()), reloadMillis, reloadMillis, TimeUnit.MILLISECONDS);
    }

    /** The GPU pool on the CPU, in the background: Lambda routes answer while its models load. */
    private LocalGpuPool startGpuPool(Options options) {
        GpuPoolDefinition definition = template.gpuPool();
        if (definition == null) {
            return LocalGpuPool.unavailable("no AWS::ECS::TaskDefinition in the template carries "
                    + GpuPoolDefinition.MODELS_METADATA + " metadata, so there is no pool to run locally");
        }
        GpuServerCommand command = options.gpuServer() != null ? options.gpuServer() : GpuServerCommand.ofSkiffHome();
        if (command == null) {
            return LocalGpuPool.unavailable("no gpu-fallback server: run skiff from its distribution (bin/skiff, after "
                    + "bin/jdk ./mvnw -DskipTests package), which has it in " + GpuServerCommand.LIB
                    + ", or name the server's lib folder with --gpu-fallback-lib");
        }
        return LocalGpuPool.start(definition, command, options.javaExecutable(), options.log());
    }

    private void reloadChangedCode(LogSink log) {
        for (LambdaFunction function : registry.all()) {
            try {
                if (function.code().refresh()) {
                    log.line(
                            function.name(),
                            "code changed in " + function.code().source() + ": new requests start fresh environments");
                    function.codeChanged();
                }
            } catch (RuntimeException e) {
                log.line(function.name(), "cannot check the code for changes: " + e);
            }
        }
    }

    public SamTemplate template() {
        return template;
    }

    public FunctionRegistry registry() {
        return registry;
    }

    public Invoker invoker() {
        return invoker;
    }

    /** The GPU pool run for the template's HTTP_PROXY routes, or null when there are none (or no HTTP API). */
    public LocalGpuPool gpuPool() {
        return gpuPool;
    }

    /** The HTTP API port, or -1 when it is not served. */
    public int apiPort() {
        return apiServer == null ? -1 : apiServer.port();
    }

    /** How the HTTP API authorizes its routes, or null when it is not served. */
    public RouteAuthorizer authorizer() {
        return authorizer;
    }

    /** The URL of the local token issuer this HTTP API serves, or null when it is not served. */
    public String localIssuerUrl() {
        return api == null ? null : api.issuerUrl();
    }

    /** The Lambda API port, or -1 when it is not served. */
    public int lambdaPort() {
        return lambdaServer == null ? -1 : lambdaServer.port();
    }

    @Override
    public void close() {
        for (int i = servers.size() - 1; i >= 0; i--) {
            if (servers.get(i) != null && !servers.get(i).name().equals("skiff-runtime-api")) {
                servers.get(i).close();
            }
        }
        if (gpuPool != null) {
            gpuPool.close();
        }
        if (authorizer != null) {
            authorizer.close();
        }
        s3Packages.close();
        host.close(); // environments first, so that they do not see the Runtime API vanish mid-call
        servers.stream().filter(s -> s.name().equals("skiff-runtime-api")).forEach(LoopbackHttpServer::close);
        registry.all().forEach(f -> f.code().close());
        codeStore.close();
    }
}
