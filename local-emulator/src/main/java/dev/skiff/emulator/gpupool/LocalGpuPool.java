package dev.skiff.emulator.gpupool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.template.GpuPoolDefinition;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The GPU pool of a template, run locally: one gpu-fallback server process on the CPU, on a free
 * loopback port, with the task definition's environment and the model repository its metadata
 * names. HTTP_PROXY routes are sent to it once it logs that it listens.
 */
public final class LocalGpuPool implements AutoCloseable {
    public static final String LOG_NAME = "GpuPool";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompletableFuture<URI> address = new CompletableFuture<>();
    private final Process process;

    private LocalGpuPool(Process process) {
        this.process = process;
    }

    /** A pool that cannot run here; every request to it is answered with why. */
    public static LocalGpuPool unavailable(String reason) {
        LocalGpuPool pool = new LocalGpuPool(null);
        pool.address.completeExceptionally(new IllegalStateException(reason));
        return pool;
    }

    public static LocalGpuPool start(GpuPoolDefinition definition, GpuServerCommand command, Path java, LogSink log) {
        if (!Files.isDirectory(definition.modelRepository())) {
            return unavailable("the GPU pool's model repository " + definition.modelRepository() + " ("
                    + definition.logicalId() + " metadata " + GpuPoolDefinition.MODELS_METADATA + ") does not exist");
        }
        // the class path in an @argfile, not -cp or CLASSPATH: ONNX Runtime crashes (SIGSEGV) loading a
        // model in a process whose command line (or environment) is long, as a jar list makes it
        Path classPathFile;
        try {
            classPathFile = Files.createTempFile("skiff-gpu-pool-", ".args");
            classPathFile.toFile().deleteOnExit();
            Files.writeString(classPathFile, "-cp \"" + command.classPath().replace("\\", "\\\\") + "\"\n");
        } catch (IOException e) {
            return unavailable("cannot write the local gpu-fallback server's class path file: " + e.getMessage());
        }
        List<String> commandLine = new ArrayList<>(List.of(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+ExitOnOutOfMemoryError",
                "@" + classPathFile,
                command.mainClass(),
                "--models",
                definition.modelRepository().toString(),
                "--host",
                "127.0.0.1",
                "--port",
                "0", // a free port, read back from the "listening" line
                "--management-port",
                "0", // loopback, as on a task; never the fixed 8081, which a second emulator would hold
                "--grpc-port",
                "-1", // the task's SKIFF_GRPC_PORT (8001) is for the in-VPC listener, which start-api does not emulate
                "--execution-provider",
                "cpu"));
        ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true);
        // the task's variables (SKIFF_MODELS, ...) as ECS sets them; the flags above win over them
        builder.environment().putAll(definition.environment());
        log.line(
                LOG_NAME,
                "starting the local gpu-fallback server on the CPU for " + definition.logicalId() + ", models from "
                        + definition.modelRepository());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return unavailable("cannot start the local gpu-fallback server: " + e.getMessage());
        }
        LocalGpuPool pool = new LocalGpuPool(process);
        Thread.ofPlatform().daemon().name("skiff-gpu-pool-log").start(() -> pool.follow(log));
        return pool;
    }

    /** Copies the server's log lines and completes the address at its "listening" line. */
    private void follow(LogSink log) {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                log.line(LOG_NAME, line);
                if (!address.isDone() && line.contains("\"listening\"")) listening(line);
            }
        } catch (IOException e) {
            // the process is gone; waitFor below says how
        }
        try {
            int code = process.waitFor();
            address.completeExceptionally(new IllegalStateException("the local gpu-fallback server exited with code "
                    + code + (address.isDone() ? "" : " before it listened") + "; its log is above, prefixed ["
                    + LOG_NAME + "]"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void listening(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            if ("listening".equals(node.path("message").asText())
                    && node.path("port").isInt()) {
                address.complete(
                        URI.create("http://127.0.0.1:" + node.path("port").asInt()));
            }
        } catch (IOException e) {
            // not a JSON line; keep reading
        }
    }

    /** The server's base URI once it listens; fails with the reason when it cannot run or has stopped. */
    public CompletableFuture<URI> address() {
        if (address.isDone() && process != null && !process.isAlive() && !address.isCompletedExceptionally()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "the local gpu-fallback server has stopped; " + "its log is above, prefixed [" + LOG_NAME + "]"));
        }
        return address;
    }

    /** SIGTERM, so the server drains as ECS would stop it, then a kill if it lingers. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS))
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
