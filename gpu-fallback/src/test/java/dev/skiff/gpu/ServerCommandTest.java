package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.gpu.provider.ExecutionProviderSelector.Preference;
import dev.skiff.runtime.contract.Limits;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The flags, their environment variables, what wins, and the errors a bad value gets. */
class ServerCommandTest {

    @Test
    void defaultsSuitALaptop() {
        ServerOptions options = ServerCommand.parse(new String[0], Map.of());
        assertEquals(
                new ServerOptions(
                        Path.of("models"),
                        Set.of(),
                        "127.0.0.1",
                        8080,
                        Preference.AUTO,
                        0,
                        true,
                        null,
                        Duration.ZERO,
                        Duration.ofSeconds(25),
                        Limits.MAX_REQUEST_BODY_BYTES,
                        true,
                        "127.0.0.1",
                        8081,
                        false,
                        ServerOptions.GRPC_OFF,
                        null,
                        null,
                        List.of()),
                options);
    }

    @Test
    void everyVariableSetsItsOption() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("SKIFF_MODEL_REPOSITORY", "/opt/models"),
                Map.entry("SKIFF_MODELS", "fraud, minilm"),
                Map.entry("SKIFF_HOST", "0.0.0.0"),
                Map.entry("SKIFF_PORT", " 9000 "),
                Map.entry("SKIFF_EXECUTION_PROVIDER", "cuda"),
                Map.entry("SKIFF_CUDA_DEVICE", "3"),
                Map.entry("SKIFF_BATCHING", "off"),
                Map.entry("SKIFF_ALIASES_FILE", "/opt/aliases.json"),
                Map.entry("SKIFF_POLL_SECONDS", "10"),
                Map.entry("SKIFF_DRAIN_SECONDS", "5"),
                Map.entry("SKIFF_MAX_BODY_BYTES", "1024"),
                Map.entry("SKIFF_MANAGEMENT", "no"),
                Map.entry("SKIFF_MANAGEMENT_HOST", "0.0.0.0"),
                Map.entry("SKIFF_MANAGEMENT_PORT", "9090"),
                Map.entry("SKIFF_STRICT_READINESS", "on"),
                Map.entry("SKIFF_GRPC_PORT", "8001"),
                Map.entry("SKIFF_STACK_MODELS", "fraud, minilm,,embedder"));
        assertEquals(
                new ServerOptions(
                        Path.of("/opt/models"),
                        Set.of("fraud", "minilm"),
                        "0.0.0.0",
                        9000,
                        Preference.CUDA,
                        3,
                        false,
                        Path.of("/opt/aliases.json"),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(5),
                        1024,
                        false,
                        "0.0.0.0",
                        9090,
                        true,
                        8001,
                        null,
                        null,
                        List.of("fraud", "minilm", "embedder")),
                ServerCommand.parse(new String[0], env));
    }

    @Test
    void aFlagWinsOverItsVariable() {
        ServerOptions options = ServerCommand.parse(
                new String[] {"--port", "9001", "--batching=off", "--only", "a,b"},
                Map.of("SKIFF_PORT", "9000", "SKIFF_BATCHING", "on", "SKIFF_MODELS", "c", "SKIFF_HOST", "10.0.0.1"));
        assertEquals(9001, options.port());
        assertFalse(options.batching());
        assertEquals(Set.of("a", "b"), options.only());
        assertEquals("10.0.0.1", options.host(), "a variable without its flag still counts");
    }

    @Test
    void aVariableAFlagOverridesIsNotEvenRead() {
        assertEquals(
                9001,
                ServerCommand.parse(new String[] {"--port", "9001"}, Map.of("SKIFF_PORT", "x"))
                        .port());
    }

    @Test
    void aBlankVariableIsUnset() {
        assertEquals(
                8080,
                ServerCommand.parse(new String[0], Map.of("SKIFF_PORT", "  ")).port());
    }

    @Test
    void badValuesNameTheFlagAndWhereTheValueCameFrom() {
        assertTrue(error(new String[] {"--prot", "1"}, Map.of()).startsWith("Unknown options: '--prot', '1'"));
        assertEquals(
                "Invalid value for option '--port': 'x' is not an int", error(new String[] {"--port", "x"}, Map.of()));
        assertEquals(
                "Invalid value for option '--port': 'x' is not an int (from the environment variable SKIFF_PORT)",
                error(new String[0], Map.of("SKIFF_PORT", "x")));
        assertEquals("--port must be from 0 to 65535, not 70000", error(new String[] {"--port", "70000"}, Map.of()));
        assertEquals(
                "--drain-seconds must be from 0 to 3600, not -1 (from the environment variable "
                        + "SKIFF_DRAIN_SECONDS)",
                error(new String[0], Map.of("SKIFF_DRAIN_SECONDS", "-1")));
        assertEquals(
                "Invalid value for option '--batching': 'maybe' is not on or off",
                error(new String[] {"--batching", "maybe"}, Map.of()));
        assertTrue(error(new String[] {"--execution-provider", "tpu"}, Map.of())
                .startsWith("Invalid value for option '--execution-provider': expected one of [AUTO, CUDA, CPU]"));
        assertEquals(
                "Missing required parameter for option '--models' (DIR|s3://BUCKET/PREFIX)",
                error(new String[] {"--models"}, Map.of()));
        assertEquals(
                "--management-port must differ from --port (9000): the management routes have a listener of their own",
                error(new String[] {"--port", "9000", "--management-port", "9000"}, Map.of()));
    }

    @Test
    void anS3RepositoryIsTheSharedStoreAndIsPolledByDefault() {
        ServerOptions store = ServerCommand.parse(
                new String[] {"--models", "s3://bucket/pool", "--store-endpoint", "http://127.0.0.1:4200"}, Map.of());
        assertEquals("s3://bucket/pool", store.store());
        assertEquals(URI.create("http://127.0.0.1:4200"), store.storeEndpoint());
        assertEquals(null, store.models(), "a temporary directory is made at start");
        assertEquals(Duration.ofSeconds(ServerCommand.STORE_POLL_SECONDS), store.pollInterval());
        ServerOptions cached = ServerCommand.parse(
                new String[] {"--poll-seconds", "2"},
                Map.of("SKIFF_MODEL_REPOSITORY", "s3://bucket/pool", "SKIFF_STORE_CACHE", "/var/cache/skiff"));
        assertEquals(Path.of("/var/cache/skiff"), cached.models());
        assertEquals(Duration.ofSeconds(2), cached.pollInterval());

        ServerOptions directory = ServerCommand.parse(new String[] {"--models", "/opt/models"}, Map.of());
        assertEquals(null, directory.store());
        assertEquals(Duration.ZERO, directory.pollInterval(), "a directory is not polled unless asked");

        assertEquals(
                "--store-endpoint and --store-cache are for an s3:// store; --models /opt/models is a directory, "
                        + "served in place",
                error(new String[] {"--models", "/opt/models", "--store-cache", "/tmp/x"}, Map.of()));
        assertTrue(error(new String[] {"--models", "s3://bucket/pool", "--aliases", "a.json"}, Map.of())
                .startsWith("--aliases is for a directory repository; with an s3:// store the aliases are the "
                        + "store's document (s3://bucket/pool/aliases.json)"));
    }

    @Test
    void aBadValueExitsWithTheUsageAndNoServer() {
        List<ServerOptions> started = new ArrayList<>();
        StringWriter err = new StringWriter();
        CommandLine command = ServerCommand.commandLine(Map.of("SKIFF_CUDA_DEVICE", "gpu0"), options -> {
            started.add(options);
            return 0;
        });
        command.setErr(new PrintWriter(err));
        assertEquals(CommandLine.ExitCode.USAGE, command.execute("--port", "0"));
        assertTrue(started.isEmpty());
        assertTrue(
                err.toString()
                        .startsWith("Invalid value for option '--cuda-device': 'gpu0' is not an int (from the "
                                + "environment variable SKIFF_CUDA_DEVICE)"),
                err::toString);
        assertTrue(
                err.toString().contains("Usage: java -cp 'gpu-fallback/target/lib/*' dev.skiff.gpu.GpuServer"),
                err::toString);
    }

    @Test
    void theServerGetsTheOptionsAndGivesTheExitCode() {
        List<ServerOptions> started = new ArrayList<>();
        CommandLine command = ServerCommand.commandLine(Map.of(), options -> {
            started.add(options);
            return 3;
        });
        assertEquals(3, command.execute("--port", "0"));
        assertEquals(0, started.get(0).port());
    }

    @Test
    void helpListsEveryFlagWithItsVariable() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine command = ServerCommand.commandLine(Map.of("SKIFF_PORT", "9000"), options -> {
            throw new AssertionError("--help starts no server");
        });
        command.setOut(new PrintWriter(out));
        assertEquals(0, command.execute("--help"));
        String help = out.toString().replaceAll("\\s+", " "); // as one line, wherever picocli wrapped it
        int flags = 0;
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (option.usageHelp()) continue;
            String variable = ((Field) option.userObject())
                    .getAnnotation(ServerCommand.Env.class)
                    .value();
            assertTrue(
                    String.join(" ", option.description()).contains(variable),
                    option.longestName() + " names " + variable);
            assertTrue(help.contains(option.longestName()), help);
            flags++;
        }
        assertEquals(19, flags, "every flag has a variable");
        assertTrue(
                help.contains("default " + ServerCommand.STORE_POLL_SECONDS + " for an s3:// store, 0 for a directory"),
                help);
        assertTrue(help.contains("env SKIFF_PORT Default: 9000"), "the default shown is the variable's value: " + help);
    }

    @Test
    void theRealMainExitsWithTheUsageNotAStackTrace() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(java, "-cp", classPath, GpuServer.class.getName(), "--port", "http")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), output);
        assertTrue(output.startsWith("Invalid value for option '--port': 'http' is not an int"), output);
        assertTrue(output.contains("--execution-provider=P"), output);
        assertFalse(output.contains("Exception") || output.contains("\tat "), output);
    }

    private static String error(String[] args, Map<String, String> env) {
        return assertThrows(ParameterException.class, () -> ServerCommand.parse(args, env))
                .getMessage();
    }
}
