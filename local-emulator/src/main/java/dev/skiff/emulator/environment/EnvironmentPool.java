package dev.skiff.emulator.environment;

import dev.skiff.emulator.lambda.FunctionVersion;
import dev.skiff.emulator.lambda.LambdaServiceException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The execution environments of one function, all its versions together: reuses a warm one of
 * the right version, starts another while under the function's reserved concurrency, and throttles
 * beyond it, as Lambda does. Environments of older code are retired once they are idle.
 */
public final class EnvironmentPool implements ExecutionEnvironment.Listener {

    private final String functionName;
    private final Integer reservedConcurrency;
    private final EnvironmentFactory factory;
    private final Supplier<Path> codeDirectory;
    private final List<ExecutionEnvironment> environments = new ArrayList<>();
    private final Set<ExecutionEnvironment> busy = new HashSet<>();
    private long codeGeneration;

    /** Creates environments; the emulator's {@link EnvironmentHost} implements it. */
    public interface EnvironmentFactory {
        ExecutionEnvironment create(
                FunctionVersion version, long codeGeneration, ExecutionEnvironment.Listener listener);

        void launch(ExecutionEnvironment environment, Path codeDirectory);

        void forget(ExecutionEnvironment environment);
    }

    public EnvironmentPool(
            String functionName,
            Integer reservedConcurrency,
            EnvironmentFactory factory,
            Supplier<Path> codeDirectory) {
        this.functionName = functionName;
        this.reservedConcurrency = reservedConcurrency;
        this.factory = factory;
        this.codeDirectory = codeDirectory;
    }

    /**
     * Runs the invocation on a warm environment of its version, or a new one.
     *
     * @throws LambdaServiceException TooManyRequestsException when the reserved concurrency is in use
     */
    public void dispatch(Invocation invocation) {
        ExecutionEnvironment chosen = null;
        boolean cold = false;
        synchronized (this) {
            if (reservedConcurrency != null && busy.size() >= reservedConcurrency) {
                throw LambdaServiceException.throttled("ReservedFunctionConcurrentInvocationLimitExceeded");
            }
            for (ExecutionEnvironment environment : environments) {
                if (!busy.contains(environment)
                        && !environment.stopped()
                        && environment.codeGeneration() == codeGeneration
                        && environment
                                .version()
                                .version()
                                .equals(invocation.version().version())) {
                    chosen = environment;
                    break;
                }
            }
            if (chosen == null) {
                chosen = factory.create(invocation.version(), codeGeneration, this);
                environments.add(chosen);
                cold = true;
            }
            busy.add(chosen);
        }
        chosen.assign(invocation);
        if (cold) {
            factory.launch(chosen, codeDirectory.get());
        }
    }

    @Override
    public void available(ExecutionEnvironment environment) {
        boolean retire;
        synchronized (this) {
            busy.remove(environment);
            retire = environment.codeGeneration() != codeGeneration;
        }
        if (retire) {
            environment.retire();
            environment.destroy();
        }
    }

    @Override
    public void stopped(ExecutionEnvironment environment) {
        synchronized (this) {
            busy.remove(environment);
            environments.remove(environment);
        }
        factory.forget(environment);
    }

    /** New code: later invocations start fresh environments; idle ones go now, busy ones when done. */
    public void codeChanged() {
        List<ExecutionEnvironment> idle = new ArrayList<>();
        synchronized (this) {
            codeGeneration++;
            for (ExecutionEnvironment environment : environments) {
                if (!busy.contains(environment)) {
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

    public String functionName() {
        return functionName;
    }
}
