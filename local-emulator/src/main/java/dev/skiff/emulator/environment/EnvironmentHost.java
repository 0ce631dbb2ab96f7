package dev.skiff.emulator.environment;

import dev.skiff.emulator.lambda.FunctionVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Owns what all environments share: the ids the Runtime API routes by, the timer for timeouts,
 * the process launcher, and the thread that streams every environment's log.
 */
public final class EnvironmentHost implements EnvironmentPool.EnvironmentFactory, AutoCloseable {

    private final Map<String, ExecutionEnvironment> environments = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final EnvironmentLauncher launcher;
    private final LogSink sink;
    private final Path logDirectory;
    private final java.util.concurrent.ExecutorService launches = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "skiff-environment-launch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String runtimeApiAddress;

    public EnvironmentHost(EnvironmentLauncher launcher, LogSink sink) {
        this.launcher = launcher;
        this.sink = sink;
        this.timer = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "skiff-environment-timer");
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.logDirectory = Files.createTempDirectory("skiff-environments");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for environment logs", e);
        }
        // streams what the processes print; invocation ends read their own output synchronously
        timer.scheduleWithFixedDelay(
                () -> environments.values().forEach(e -> e.log().pump()), 50, 50, TimeUnit.MILLISECONDS);
    }

    /** The {@code host:port} of the Runtime API server, known once it listens. */
    public void runtimeApiAddress(String address) {
        this.runtimeApiAddress = address;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    /** The environment that a Runtime API path prefix names, or null. */
    public ExecutionEnvironment environment(String id) {
        return environments.get(id);
    }

    @Override
    public ExecutionEnvironment create(
            FunctionVersion version, long codeGeneration, ExecutionEnvironment.Listener listener) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        EnvironmentLog log = new EnvironmentLog(logDirectory.resolve(id + ".log"), version.functionName(), sink);
        ExecutionEnvironment environment = new ExecutionEnvironment(id, version, codeGeneration, log, timer, listener);
        environments.put(id, environment);
        return environment;
    }

    @Override
    public void launch(ExecutionEnvironment environment, Path codeDirectory) {
        if (runtimeApiAddress == null) {
            throw new IllegalStateException("the Runtime API server is not listening yet");
        }
        // the runtime appends /2018-06-01/runtime/... to this value, so a path prefix routes to the environment
        String runtimeApi = runtimeApiAddress + "/" + environment.id();
        // starting a process takes milliseconds: not on the server thread that took the request
        launches.execute(() -> environment.launch(launcher, codeDirectory, runtimeApi));
    }

    @Override
    public void forget(ExecutionEnvironment environment) {
        environments.remove(environment.id());
    }

    @Override
    public void close() {
        environments.values().forEach(ExecutionEnvironment::stop);
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!environments.isEmpty() && System.nanoTime() < waitUntil) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        timer.shutdownNow();
        launches.shutdownNow();
        try (Stream<Path> files = Files.walk(logDirectory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }
}
