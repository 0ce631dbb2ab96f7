package dev.skiff.gpu;

import dev.skiff.gpu.provider.ExecutionProviderSelector.Preference;
import dev.skiff.runtime.contract.Limits;
import dev.skiff.runtime.contract.StackModels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

/**
 * The server's command line. Every flag has an environment variable that the images (or the local
 * emulator) set instead; a flag wins over its variable. A flag's variable, range and help are all
 * written on its field.
 */
@Command(
        name = "GpuServer",
        sortOptions = false,
        usageHelpAutoWidth = true,
        showDefaultValues = true,
        customSynopsis = "java -cp 'gpu-fallback/target/lib/*' dev.skiff.gpu.GpuServer [OPTIONS]",
        description = {
            "The GPU pool's inference server (gpu-fallback/README.md).",
            "Each option falls back to the environment variable named beside it; a flag wins over its variable."
        })
public final class ServerCommand implements Callable<Integer> {
    /** How often a task polls an s3:// store when --poll-seconds is not given. */
    public static final int STORE_POLL_SECONDS = 10;

    /** The environment variable an option takes its value from when the flag is not given. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.FIELD)
    @interface Env {
        String value();
    }

    /** The whole numbers an int option takes. */
    @Retention(RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(ElementType.FIELD)
    @interface Within {
        int min();

        int max();
    }

    @Env("SKIFF_MODEL_REPOSITORY")
    @Option(
            names = "--models",
            paramLabel = "DIR|s3://BUCKET/PREFIX",
            defaultValue = "models",
            description = "the model repository (docs/model-repository.md): a directory served in place, or the "
                    + "shared model store every task syncs from (s3://bucket/prefix, see README); "
                    + "env SKIFF_MODEL_REPOSITORY")
    private String models;

    @Env("SKIFF_STORE_ENDPOINT")
    @Option(
            names = "--store-endpoint",
            paramLabel = "URL",
            description = "an S3-compatible endpoint for an s3:// store instead of AWS's (tests, MinIO); "
                    + "env SKIFF_STORE_ENDPOINT")
    private URI storeEndpoint;

    @Env("SKIFF_STORE_CACHE")
    @Option(
            names = "--store-cache",
            paramLabel = "DIR",
            description = "where an s3:// store's versions are synced to (a new temporary directory when not "
                    + "given); env SKIFF_STORE_CACHE")
    private Path storeCache;

    @Env("SKIFF_MODELS")
    @Option(
            names = "--only",
            paramLabel = "NAME",
            split = "\\s*,\\s*",
            splitSynopsisLabel = ",",
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "serve only these models, all when not given; env SKIFF_MODELS")
    private Set<String> only = new LinkedHashSet<>();

    @Env("SKIFF_HOST")
    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description = "address to listen on (the images set 0.0.0.0); env SKIFF_HOST")
    private String host;

    @Env("SKIFF_PORT")
    @Within(min = 0, max = 65535)
    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "8080",
            description = "port, 0 for any free one (read it from the \"listening\" line); env SKIFF_PORT")
    private int port;

    @Env("SKIFF_EXECUTION_PROVIDER")
    @Option(
            names = "--execution-provider",
            paramLabel = "P",
            defaultValue = "auto",
            description = "auto (CUDA when it works, else CPU), cuda (refuse to start without it) or cpu; "
                    + "env SKIFF_EXECUTION_PROVIDER")
    private Preference executionProvider;

    @Env("SKIFF_CUDA_DEVICE")
    @Within(min = 0, max = 1024)
    @Option(
            names = "--cuda-device",
            paramLabel = "N",
            defaultValue = "0",
            description = "the CUDA device; env SKIFF_CUDA_DEVICE")
    private int cudaDevice;

    @Env("SKIFF_BATCHING")
    @Option(
            names = "--batching",
            paramLabel = "on|off",
            arity = "1",
            defaultValue = "on",
            converter = OnOff.class,
            showDefaultValue = CommandLine.Help.Visibility.ALWAYS, // picocli hides a boolean's otherwise
            description = "merge requests into batches; off runs each alone; env SKIFF_BATCHING")
    private boolean batching;

    @Env("SKIFF_ALIASES_FILE")
    @Option(
            names = "--aliases",
            paramLabel = "FILE",
            description = "aliases to set at start (JSON, see README), none when not given; env SKIFF_ALIASES_FILE")
    private Path aliasesFile;

    @Env("SKIFF_POLL_SECONDS")
    @Within(min = 0, max = 86_400)
    @Option(
            names = "--poll-seconds",
            paramLabel = "N",
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "poll the repository (and the aliases file, or the store's alias document) every N "
                    + "seconds, 0 is off; default " + STORE_POLL_SECONDS + " for an s3:// store, 0 for a directory; "
                    + "env SKIFF_POLL_SECONDS")
    private Integer pollSeconds;

    @Env("SKIFF_DRAIN_SECONDS")
    @Within(min = 0, max = 3_600)
    @Option(
            names = "--drain-seconds",
            paramLabel = "N",
            defaultValue = "25",
            description = "how long SIGTERM waits for requests in flight; env SKIFF_DRAIN_SECONDS")
    private int drainSeconds;

    @Env("SKIFF_MAX_BODY_BYTES")
    @Within(min = 1, max = Integer.MAX_VALUE - 8)
    @Option(
            names = "--max-body-bytes",
            paramLabel = "N",
            defaultValue = "" + Limits.MAX_REQUEST_BODY_BYTES,
            description = "request body limit (Lambda's, so both targets take the same requests); "
                    + "env SKIFF_MAX_BODY_BYTES")
    private int maxBodyBytes;

    @Env("SKIFF_MANAGEMENT")
    @Option(
            names = "--management",
            paramLabel = "on|off",
            arity = "1",
            defaultValue = "on",
            converter = OnOff.class,
            showDefaultValue = CommandLine.Help.Visibility.ALWAYS, // picocli hides a boolean's otherwise
            description = "the /v2/repository routes, on their own listener; env SKIFF_MANAGEMENT")
    private boolean management;

    @Env("SKIFF_MANAGEMENT_HOST")
    @Option(
            names = "--management-host",
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description = "address the management listener binds; loopback, so only this machine or task "
                    + "reaches it (the load balancer never does); env SKIFF_MANAGEMENT_HOST")
    private String managementHost;

    @Env("SKIFF_MANAGEMENT_PORT")
    @Within(min = 0, max = 65535)
    @Option(
            names = "--management-port",
            paramLabel = "N",
            defaultValue = "8081",
            description = "the management listener's port, 0 for any free one (read it from the "
                    + "\"management listening\" line); env SKIFF_MANAGEMENT_PORT")
    private int managementPort;

    @Env("SKIFF_STRICT_READINESS")
    @Option(
            names = "--strict-readiness",
            paramLabel = "on|off",
            arity = "1",
            defaultValue = "off",
            converter = OnOff.class,
            showDefaultValue = CommandLine.Help.Visibility.ALWAYS,
            description = "/v2/health/ready only when every model and version found serves, not only those "
                    + "an alias routes to; env SKIFF_STRICT_READINESS")
    private boolean strictReadiness;

    @Env("SKIFF_GRPC_PORT")
    @Within(min = ServerOptions.GRPC_OFF, max = 65535)
    @Option(
            names = "--grpc-port",
            paramLabel = "N",
            defaultValue = "-1",
            description = "the protocol's gRPC service (inference.GRPCInferenceService) on this port, on --host; "
                    + "-1 (the default) for none, 0 for any free one (read it from the \"grpc listening\" line); "
                    + "the template's tasks use 8001; env SKIFF_GRPC_PORT")
    private int grpcPort;

    @Env(StackModels.ENVIRONMENT_VARIABLE)
    @Option(
            names = "--stack-models",
            paramLabel = "NAME,...",
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "every model of the deployed stack, which an unknown model's 404 lists (the API's "
                    + "$default route reaches one target only); the served models when not given; "
                    + "env " + StackModels.ENVIRONMENT_VARIABLE)
    private String stackModels;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "print this help and exit")
    private boolean help;

    @Spec
    private CommandSpec spec;

    private final ToIntFunction<ServerOptions> server;

    private ServerCommand(ToIntFunction<ServerOptions> server) {
        this.server = server;
    }

    /**
     * The command line that hands its options to {@code server} and exits with what it returns;
     * {@code --help} prints the usage, a bad value prints what is wrong and the usage (exit code 2).
     */
    public static CommandLine commandLine(Map<String, String> env, ToIntFunction<ServerOptions> server) {
        CommandLine commandLine = new CommandLine(new ServerCommand(server))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setDefaultValueProvider(new EnvironmentDefaults(env));
        CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((e, args) -> usage.handleParseException(namingTheVariable(e), args));
        return commandLine;
    }

    /**
     * The options that flags and environment variables say.
     *
     * @throws ParameterException naming the flag, and its variable where the value came from there
     */
    public static ServerOptions parse(String[] args, Map<String, String> env) {
        CommandLine commandLine = commandLine(env, options -> 0);
        try {
            commandLine.parseArgs(args);
            return commandLine.<ServerCommand>getCommand().options();
        } catch (ParameterException e) {
            throw namingTheVariable(e);
        }
    }

    @Override
    public Integer call() {
        return server.applyAsInt(options());
    }

    private ServerOptions options() {
        checkRanges();
        if (management && port != 0 && port == managementPort) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--management-port must differ from --port (" + port + "): the management routes have a "
                            + "listener of their own");
        }
        if (grpcPort > 0 && (grpcPort == port || (management && grpcPort == managementPort))) {
            throw new ParameterException(
                    spec.commandLine(), "--grpc-port must differ from --port and --management-port (" + grpcPort + ")");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : only) if (!name.isBlank()) names.add(name);
        boolean fromStore = models.startsWith("s3://");
        if (!fromStore && (storeEndpoint != null || storeCache != null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--store-endpoint and --store-cache are for an s3:// store; --models " + models
                            + " is a directory, served in place");
        }
        if (fromStore && aliasesFile != null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--aliases is for a directory repository; with an s3:// store the aliases are the store's "
                            + "document (" + models + "/aliases.json), moved by skiff promote");
        }
        int poll = pollSeconds != null ? pollSeconds : fromStore ? STORE_POLL_SECONDS : 0;
        return new ServerOptions(
                fromStore ? storeCache : Path.of(models),
                Set.copyOf(names),
                host,
                port,
                executionProvider,
                cudaDevice,
                batching,
                aliasesFile,
                Duration.ofSeconds(poll),
                Duration.ofSeconds(drainSeconds),
                maxBodyBytes,
                management,
                managementHost,
                managementPort,
                strictReadiness,
                grpcPort,
                fromStore ? models : null,
                storeEndpoint,
                StackModels.parse(stackModels));
    }

    private void checkRanges() {
        for (OptionSpec option : spec.options()) {
            Within range = field(option).getAnnotation(Within.class);
            if (range == null) continue;
            Integer value = option.getValue();
            if (value == null) continue; // not given, no default
            if (value < range.min() || value > range.max()) {
                throw new ParameterException(
                        spec.commandLine(),
                        option.longestName() + " must be from " + range.min() + " to " + range.max() + ", not " + value,
                        option,
                        Integer.toString(value));
            }
        }
    }

    /** picocli names the option; a value taken from the environment is set by a variable the message names too. */
    private static ParameterException namingTheVariable(ParameterException e) {
        ArgSpec arg = e.getArgSpec();
        EnvironmentDefaults defaults = (EnvironmentDefaults) e.getCommandLine().getDefaultValueProvider();
        if (arg == null || !defaults.supplied(arg)) return e;
        return new ParameterException(
                e.getCommandLine(),
                e.getMessage() + " (from the environment variable " + variable(arg) + ")",
                e,
                arg,
                e.getValue());
    }

    private static Field field(ArgSpec arg) {
        return (Field) arg.userObject();
    }

    private static String variable(ArgSpec arg) {
        Env env = arg.userObject() instanceof Field field ? field.getAnnotation(Env.class) : null;
        return env == null ? null : env.value();
    }

    /** Defaults from the environment: an option's variable when it is set and not blank. */
    private static final class EnvironmentDefaults implements IDefaultValueProvider {
        private final Map<String, String> env;
        private final Set<ArgSpec> supplied = new LinkedHashSet<>();

        EnvironmentDefaults(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            String variable = variable(arg);
            String value = variable == null ? null : env.get(variable);
            if (value == null || value.isBlank()) return null; // picocli falls back to the option's defaultValue
            supplied.add(arg);
            return value.trim();
        }

        boolean supplied(ArgSpec arg) {
            return supplied.contains(arg);
        }
    }

    /** on and off, as the README writes them; true/false, yes/no and 1/0 too. */
    static final class OnOff implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1" -> true;
                case "off", "false", "no", "0" -> false;
                default -> throw new TypeConversionException("'" + text + "' is not on or off");
            };
        }
    }
}
