package dev.skiff.emulator.environment;

import dev.skiff.emulator.lambda.FunctionVersion;
import dev.skiff.emulator.template.FunctionDefinition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Starts the process of one execution environment the way Lambda does: for Java runtimes, the
 * JVM with Lambda's flags running the runtime interface client; for {@code provided.*}, the
 * function's own {@code bootstrap}. The environment variables are Lambda's plus the template's.
 */
public final class EnvironmentLauncher {

    /** Variables Lambda sets itself; a template cannot override them. */
    static final Set<String> RESERVED_VARIABLES = Set.of(
            "_HANDLER",
            "_X_AMZN_TRACE_ID",
            "AWS_DEFAULT_REGION",
            "AWS_REGION",
            "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE",
            "AWS_LAMBDA_LOG_GROUP_NAME",
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_LAMBDA_RUNTIME_API",
            "LAMBDA_TASK_ROOT",
            "LAMBDA_RUNTIME_DIR");
    /** Credentials pass through from the emulator's environment, as SAM CLI does. */
    private static final List<String> PASSED_THROUGH =
            List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "PATH", "JAVA_HOME");

    private final String region;
    private final Path javaExecutable;
    private String ricClassPath;
    private Path ricNativeLibrary;

    public EnvironmentLauncher(String region, Path javaExecutable) {
        this.region = region;
        this.javaExecutable = javaExecutable;
    }

    /** The JVM the emulator runs on. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    Process start(FunctionVersion version, Path codeDirectory, String runtimeApi, Path logFile) throws IOException {
        FunctionDefinition function = version.definition();
        ProcessBuilder builder = new ProcessBuilder(command(function, codeDirectory));
        builder.directory(codeDirectory.toFile());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        Map<String, String> parent = Map.copyOf(env);
        env.clear(); // Lambda starts from a clean environment
        for (String name : PASSED_THROUGH) {
            if (parent.containsKey(name)) {
                env.put(name, parent.get(name));
            }
        }
        function.environment().forEach((name, value) -> {
            if (!RESERVED_VARIABLES.contains(name)) {
                env.put(name, value);
            }
        });
        env.put("_HANDLER", function.handler());
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + function.runtime());
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.functionName());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(function.memorySize()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", version.version());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.functionName());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", logStreamName(version.version()));
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("LAMBDA_TASK_ROOT", codeDirectory.toString());
        env.put("LAMBDA_RUNTIME_DIR", codeDirectory.toString());
        env.putIfAbsent("TZ", ":UTC");
        env.putIfAbsent("LANG", "en_US.UTF-8");
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        // as on Lambda (/var/task:/var/task/lib), so System.loadLibrary finds natives shipped in the package
        String libraries = codeDirectory + ":" + codeDirectory.resolve("lib");
        env.put(
                "LD_LIBRARY_PATH",
                parent.containsKey("LD_LIBRARY_PATH") ? libraries + ":" + parent.get("LD_LIBRARY_PATH") : libraries);
        return builder.start();
    }

    private List<String> command(FunctionDefinition function, Path codeDirectory) throws IOException {
        if (function.runtime().startsWith("provided")) {
            Path bootstrap = codeDirectory.resolve("bootstrap");
            if (!Files.isRegularFile(bootstrap)) {
                throw new IOException("Runtime.InvalidEntrypoint: " + function.functionName() + " runs on "
                        + function.runtime() + " but its code (" + codeDirectory + ") has no bootstrap file");
            }
            if (!Files.isExecutable(bootstrap)) {
                throw new IOException("Runtime.InvalidEntrypoint: " + bootstrap + " is not executable (chmod +x it)");
            }
            return List.of(bootstrap.toString());
        }
        List<String> command = new ArrayList<>();
        command.add(javaExecutable.toString());
        command.addAll(LambdaJvmDefaults.flags(
                function.memorySize(), function.environment().get("JAVA_TOOL_OPTIONS")));
        command.add("-Djava.net.preferIPv4Stack=true");
        command.add("--enable-native-access=ALL-UNNAMED"); // the client loads its JNI library
        command.add("-D" + RuntimeInterfaceClient.NATIVE_LIBRARY_PROPERTY + "=" + ricNativeLibrary());
        command.add("-classpath");
        command.add(ricClassPath());
        command.add(RuntimeInterfaceClient.MAIN_CLASS);
        command.add(function.handler());
        return command;
    }

    private synchronized Path ricNativeLibrary() throws IOException {
        if (ricNativeLibrary == null) {
            Path directory = Files.createTempDirectory("skiff-ric-");
            directory.toFile().deleteOnExit();
            ricNativeLibrary = RuntimeInterfaceClient.unpackNativeLibrary(directory);
            ricNativeLibrary.toFile().deleteOnExit();
        }
        return ricNativeLibrary;
    }

    private synchronized String ricClassPath() {
        if (ricClassPath == null) {
            ricClassPath = RuntimeInterfaceClient.classPath();
        }
        return ricClassPath;
    }

    private static String logStreamName(String version) {
        return LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy/MM/dd")) + "/[" + version + "]"
                + UUID.randomUUID().toString().replace("-", "");
    }
}
