package dev.skiff.runtime.testing;

import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.gpupool.GpuServerCommand;
import dev.skiff.emulator.lambda.LambdaFunction;
import dev.skiff.emulator.template.TemplateException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Skiff's local emulator inside a test: a SAM template's HTTP API ({@code skiff local start-api})
 * and Lambda API ({@code skiff local start-lambda}) on loopback ports, each function in its own JVM
 * as Lambda runs it. Both APIs are on, on free ports, unless told otherwise:
 * <pre>{@code
 * try (LocalSkiff skiff = LocalSkiff.template(Path.of("sam/template.yaml")).withPort(0).start()) {
 *     HttpRequest ready = HttpRequest.newBuilder(skiff.apiUrl().resolve("/v2/health/ready")).build();
 *     LambdaClient lambda = LambdaClient.builder().endpointOverride(skiff.lambdaUrl())...;
 * }
 * }</pre>
 * or one packaged function, without a template of one's own:
 * {@code LocalSkiff.function("com.example.Handler::handleRequest", Path.of("target/lambda")).start()}.
 */
public final class LocalSkiff implements AutoCloseable {
    /** The function name {@link #function} gives its one function. */
    public static final String FUNCTION = "SkiffFunction";
    /** The alias {@link #function} publishes version 1 under, as SAM's AutoPublishAlias does on deploy. */
    public static final String FUNCTION_ALIAS = "live";
    /** A cold start loads ONNX Runtime and the models: minutes on a busy machine. */
    private static final Duration INVOKE_TIMEOUT = Duration.ofMinutes(2);

    private final Emulator emulator;
    private final Path generatedDir;
    private final List<String> logLines;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private LocalSkiff(Emulator emulator, Path generatedDir, List<String> logLines) {
        this.emulator = emulator;
        this.generatedDir = generatedDir;
        this.logLines = logLines;
    }

    /** A local Skiff serving this SAM template, such as sam/template.yaml or what {@code skiff init} wrote. */
    public static Builder template(Path samTemplate) {
        return new Builder(samTemplate, null, null);
    }

    /**
     * A local Skiff serving one function, {@value #FUNCTION}, from a template it writes itself:
     * java21, 1024 MB, 30 s, version 1 published under the alias {@value #FUNCTION_ALIAS}.
     *
     * @param handler the SAM Handler, such as {@code dev.skiff.runtime.lambda.SkiffHandler::handleRequest}
     * @param codeUri the package: a directory in Lambda's layout or a .zip of one
     */
    public static Builder function(String handler, Path codeUri) {
        if (handler == null || handler.isBlank()) throw new IllegalArgumentException("a function needs its Handler");
        return new Builder(null, handler, codeUri);
    }

    /** The HTTP API's base URL, such as {@code http://127.0.0.1:41234}. */
    public URI apiUrl() {
        if (emulator.apiPort() < 0) {
            throw new IllegalStateException("this local Skiff serves no HTTP API (withoutApi())");
        }
        return URI.create("http://127.0.0.1:" + emulator.apiPort());
    }

    /** The Lambda API's base URL: the AWS SDK's endpointOverride, the CLI's --endpoint-url. */
    public URI lambdaUrl() {
        if (emulator.lambdaPort() < 0) {
            throw new IllegalStateException("this local Skiff serves no Lambda API (withoutLambda())");
        }
        return URI.create("http://127.0.0.1:" + emulator.lambdaPort());
    }

    /** The names of the functions the template defines. */
    public List<String> functionNames() {
        return emulator.registry().all().stream().map(LambdaFunction::name).toList();
    }

    /** A function's unqualified ARN, as its handler's context reports it when invoked by name. */
    public String functionArn(String functionName) {
        return emulator.registry().find(functionName).function().arn();
    }

    /**
     * Invokes a function through the Lambda API and returns its answer, byte for byte.
     *
     * @param function a name, {@code name:qualifier} (an alias or version) or an ARN
     * @throws IllegalStateException when the Lambda API refuses the call or the function fails, with its log
     */
    public byte[] invoke(String function, byte[] payload) {
        URI invocations = lambdaUrl().resolve("/2015-03-31/functions/" + function + "/invocations");
        HttpRequest request = HttpRequest.newBuilder(invocations)
                .timeout(INVOKE_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("Invoke " + function + " at " + lambdaUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted invoking " + function, e);
        }
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Invoke " + function + ": HTTP " + response.statusCode() + " " + body);
        }
        Optional<String> functionError = response.headers().firstValue("X-Amz-Function-Error");
        if (functionError.isPresent()) {
            throw new IllegalStateException("function " + function + " failed (" + functionError.get() + "): " + body
                    + "\nits log:\n" + logs());
        }
        return response.body();
    }

    /** Every line the functions (and the pool) logged so far, {@code [Function] line} each. */
    public String logs() {
        synchronized (logLines) {
            return String.join("\n", logLines);
        }
    }

    /** The emulator underneath, for what this class does not wrap (its function registry, its invoker). */
    public Emulator emulator() {
        return emulator;
    }

    /** Stops every execution environment and server, and removes the template it wrote. */
    @Override
    public void close() {
        try {
            emulator.close();
        } finally {
            deleteTree(generatedDir);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    /** What to start: ports, template parameters, where the lines go. Each {@code with} returns this builder. */
    public static final class Builder {
        private final Path template;
        private final String handler;
        private final Path codeUri;
        private int apiPort = 0;
        private int lambdaPort = 0;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private Duration idleTimeout;
        private Path gpuFallbackLib;
        private Consumer<String> logConsumer = System.out::println;

        private Builder(Path template, String handler, Path codeUri) {
            this.template = template;
            this.handler = handler;
            this.codeUri = codeUri;
        }

        /** The HTTP API's port; 0 (the default) for a free one. */
        public Builder withPort(int port) {
            this.apiPort = checkedPort(port);
            return this;
        }

        /** The Lambda API's port; 0 (the default) for a free one. */
        public Builder withLambdaPort(int port) {
            this.lambdaPort = checkedPort(port);
            return this;
        }

        /** No HTTP API: the Lambda API alone, as {@code skiff local start-lambda} serves it. */
        public Builder withoutApi() {
            this.apiPort = -1;
            return this;
        }

        /** No Lambda API: the HTTP API alone. */
        public Builder withoutLambda() {
            this.lambdaPort = -1;
            return this;
        }

        /** A template parameter's value, as {@code --parameter-overrides key=value}. */
        public Builder withParameter(String key, String value) {
            parameters.put(key, value);
            return this;
        }

        /** How long an execution environment may idle before it stops (the emulator's default: 10 minutes). */
        public Builder withIdleTimeout(Duration idle) {
            if (idle.isNegative() || idle.isZero()) {
                throw new IllegalArgumentException("idle timeout must be positive: " + idle);
            }
            this.idleTimeout = idle;
            return this;
        }

        /** gpu-fallback's jars, for routes to the GPU pool (default: gpu-fallback/target/lib near the template). */
        public Builder withGpuFallbackLib(Path lib) {
            this.gpuFallbackLib = lib;
            return this;
        }

        /** Where each log line also goes (default: standard output); {@link #logs()} keeps them all anyway. */
        public Builder withLogConsumer(Consumer<String> consumer) {
            this.logConsumer = consumer;
            return this;
        }

        /**
         * Starts the servers; functions start on their first invocation.
         *
         * @throws IllegalArgumentException when the template or the package is missing or the template is wrong
         * @throws IllegalStateException when the emulator cannot start (a port in use)
         */
        public LocalSkiff start() {
            Path generatedDir = null;
            Path samTemplate = template;
            if (handler != null) {
                if (!Files.exists(codeUri)) {
                    throw new IllegalArgumentException(
                            codeUri.toAbsolutePath() + " is missing: package the function first");
                }
                generatedDir = createTempDirectory();
                samTemplate = writeFunctionTemplate(generatedDir.resolve("template.yaml"));
            }
            if (!Files.isRegularFile(samTemplate)) {
                throw new IllegalArgumentException("no SAM template at " + samTemplate.toAbsolutePath());
            }
            List<String> lines = new ArrayList<>();
            Consumer<String> consumer = logConsumer;
            Emulator.Options options = Emulator.Options.defaults(samTemplate)
                    .withPorts(apiPort, lambdaPort)
                    .withParameterOverrides(Map.copyOf(parameters))
                    .withLog((function, line) -> {
                        String text = "[" + function + "] " + line;
                        synchronized (lines) {
                            lines.add(text);
                        }
                        consumer.accept(text);
                    });
            if (idleTimeout != null) options = options.withIdleTimeout(idleTimeout);
            if (gpuFallbackLib != null) options = options.withGpuServer(GpuServerCommand.fromLib(gpuFallbackLib));
            boolean started = false;
            try {
                LocalSkiff skiff = new LocalSkiff(Emulator.start(options), generatedDir, lines);
                started = true;
                return skiff;
            } catch (TemplateException e) {
                throw new IllegalArgumentException(samTemplate.toAbsolutePath() + ": " + e.getMessage(), e);
            } catch (Exception e) {
                throw new IllegalStateException(
                        "cannot start a local Skiff from " + samTemplate.toAbsolutePath() + ": " + e.getMessage(), e);
            } finally {
                if (!started) deleteTree(generatedDir);
            }
        }

        private Path writeFunctionTemplate(Path file) {
            try {
                return Files.writeString(file, """
                        Transform: AWS::Serverless-2016-10-31
                        Resources:
                          %s:
                            Type: AWS::Serverless::Function
                            Properties:
                              FunctionName: %s
                              Runtime: java21
                              Handler: %s
                              CodeUri: %s
                              MemorySize: 1024
                              Timeout: 30
                              AutoPublishAlias: %s
                        """.formatted(
                                FUNCTION,
                                FUNCTION,
                                yamlString(handler),
                                yamlString(codeUri.toAbsolutePath().toString()),
                                FUNCTION_ALIAS));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }

        private static Path createTempDirectory() {
            try {
                return Files.createTempDirectory("local-skiff-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a folder for the function's template", e);
            }
        }

        /** A YAML single-quoted scalar: any path or handler text stays one string. */
        private static String yamlString(String text) {
            return "'" + text.replace("'", "''") + "'";
        }

        private static int checkedPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("a port is 0 (any free one) to 65535, not " + port);
            }
            return port;
        }
    }
}
