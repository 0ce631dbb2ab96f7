package dev.skiff.emulator.environment;

import dev.skiff.emulator.lambda.FunctionVersion;
import dev.skiff.emulator.lambda.LambdaServiceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The execution environments of one function, all its versions together: reuses a warm one of
 * the right version, starts another while under the function's reserved concurrency, and throttles
 * beyond it, as Lambda does. Environments of older $LATEST code are retired once they are idle;
 * a published version's run its snapshot, so code changes leave them alone.
 *
 * <p>Unlike Lambda, which gives each new environment its own machine, this machine's cores are
 * shared: at most {@code maxConcurrentInits} environments initialize at once, and an invocation
 * that finds none free waits for one (a warm one freed, or a start slot). The wait counts against
 * neither the init limit nor the function's timeout, which starts when the runtime takes the event.
 */
public final class EnvironmentPool implements ExecutionEnvironment.Listener {

    private final String functionName;
    private final Integer reservedConcurrency;
    private final EnvironmentFactory factory;
    private final CodeDirectories codeDirectories;
    private final int maxConcurrentInits;
    private final List<ExecutionEnvironment> environments = new ArrayList<>();
    private final Set<ExecutionEnvironment> busy = new HashSet<>();
    private final Set<ExecutionEnvironment> initializing = new HashSet<>();
    private final Deque<Invocation> waiting = new ArrayDeque<>();
    private long codeGeneration;

    /** Creates environments; the emulator's {@link EnvironmentHost} implements it. */
    public interface EnvironmentFactory {
        ExecutionEnvironment create(
                FunctionVersion version, long codeGeneration, ExecutionEnvironment.Listener listener);

        void launch(ExecutionEnvironment environment, Path codeDirectory);

        void forget(ExecutionEnvironment environment);
    }

    /** The directory an environment of a version runs in. */
    public interface CodeDirectories {
        Path of(FunctionVersion version) throws IOException;
    }

    public EnvironmentPool(
            String functionName,
            Integer reservedConcurrency,
            EnvironmentFactory factory,
            CodeDirectories codeDirectories,
            int maxConcurrentInits) {
        this.functionName = functionName;
        this.reservedConcurrency = reservedConcurrency;
        this.factory = factory;
        this.codeDirectories = codeDirectories;
        this.maxConcurrentInits = Math.max(1, maxConcurrentInits);
    }

    /** As many concurrent inits as this machine has cores (at least 2). */
    public static int defaultMaxConcurrentInits() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Runs the invocation on a warm environment of its version, or a new one, or queues it for the
     * first that is free.
     *
     * @throws LambdaServiceException TooManyRequestsException when the reserved concurrency is in use
     */
    public void dispatch(Invocation invocation) {
        ExecutionEnvironment chosen;
        synchronized (this) {
            if (reservedConcurrency != null && busy.size() + waiting.size() >= reservedConcurrency) {
                throw LambdaServiceException.throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
            }
            chosen = idleEnvironmentOf(invocation.version());
            if (chosen == null) {
                if (initializing.size() >= maxConcurrentInits) {
                    waiting.add(invocation);
                    return;
                }
                startFor(invocation);
                return;
            }
            busy.add(chosen);
        }
        chosen.assign(invocation);
    }

    private ExecutionEnvironment idleEnvironmentOf(FunctionVersion version) { // holds the lock
        for (ExecutionEnvironment environment : environments) {
            if (!busy.contains(environment) && !environment.stopped() && runs(environment, version)) {
                return environment;
            }
        }
        return null;
    }

    private boolean runs(ExecutionEnvironment environment, FunctionVersion version) { // holds the lock
        return environment.version().version().equals(version.version())
                && (!version.isLatest() || environment.codeGeneration() == codeGeneration);
    }

    /** A new environment with {@code invocation} as its first; holds the lock, as launch does not block. */
    private void startFor(Invocation invocation) {
        Path directory;
        try {
            directory = codeDirectories.of(invocation.version());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExecutionEnvironment created = factory.create(invocation.version(), codeGeneration, this);
        environments.add(created);
        busy.add(created);
        initializing.add(created);
        created.assign(invocation);
        factory.launch(created, directory);
    }

    /** Starts environments for waiting invocations while start slots are free. */
    private void startWaiting() {
        synchronized (this) {
            while (!waiting.isEmpty() && initializing.size() < maxConcurrentInits) {
                startFor(waiting.poll());
            }
        }
    }

    @Override
    public void initialized(ExecutionEnvironment environment) {
        synchronized (this) {
            initializing.remove(environment);
        }
        startWaiting();
    }

    @Override
    public void available(ExecutionEnvironment environment) {
        boolean retire;
        Invocation next = null;
        synchronized (this) {
            busy.remove(environment);
            retire = environment.version().isLatest() && environment.codeGeneration() != codeGeneration;
            if (!retire) {
                next = takeWaiting(environment);
                if (next != null) {
                    busy.add(environment);
                }
            }
        }
        if (retire) {
            environment.retire();
            environment.destroy();
        } else if (next != null) {
            environment.assign(next);
        }
    }

    private Invocation takeWaiting(ExecutionEnvironment environment) { // holds the lock
        for (Iterator<Invocation> it = waiting.iterator(); it.hasNext(); ) {
            Invocation candidate = it.next();
            if (runs(environment, candidate.version())) {
                it.remove();
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void stopped(ExecutionEnvironment environment) {
        synchronized (this) {
            busy.remove(environment);
            initializing.remove(environment);
            environments.remove(environment);
        }
        factory.forget(environment);
        startWaiting();
    }

    /** New $LATEST code or configuration: later invocations of it start fresh environments; idle ones go now. */
    public void codeChanged() {
        List<ExecutionEnvironment> idle = new ArrayList<>();
        synchronized (this) {
            codeGeneration++;
            for (ExecutionEnvironment environment : environments) {
                if (!busy.contains(environment) && environment.version().isLatest()) {
                    environment.retire(); // under the pool's lock, so that dispatch cannot pick it meanwhile
                    idle.add(environment);
                }
            }
        }
        idle.forEach(ExecutionEnvironment::destroy);
    }

    /** Scale to zero: stops environments idle for longer than {@code idleNanos}. */
    public void stopIdle(long idleNanos) {
        List<ExecutionEnvironment> expired = new ArrayList<>();
        synchronized (this) {
            for (ExecutionEnvironment environment : environments) {
                if (!busy.contains(environment) && environment.idleLongerThan(idleNanos)) {
                    environment.retire();
                    expired.add(environment);
                }
            }
        }
        expired.forEach(ExecutionEnvironment::destroy);
    }

    public void stopAll() {
        List<ExecutionEnvironment> all;
        synchronized (this) {
            all = new ArrayList<>(environments);
        }
        all.forEach(ExecutionEnvironment::stop);
    }

    /** Environments alive now, warm or busy. */
    public synchronized int size() {
        return environments.size();
    }

    public synchronized int busyCount() {
        return busy.size();
    }

    /** Invocations waiting for an environment. */
    public synchronized int waitingCount() {
        return waiting.size();
    }

    public String functionName() {
        return functionName;
    }
}
