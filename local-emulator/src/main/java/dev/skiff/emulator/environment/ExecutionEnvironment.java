package dev.skiff.emulator.environment;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.skiff.emulator.lambda.FunctionVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One execution environment: a process serving one invocation at a time through the Runtime
 * API, from cold start (init) through warm reuse until it is stopped, times out or dies.
 * Its {@link EnvironmentPool} decides which invocation it gets; this class follows the
 * Runtime API's state machine and writes the START/END/REPORT lines.
 */
public final class ExecutionEnvironment {

    /** Lambda's limit on the init phase before it is retried within the invocation's own timeout. */
    private static final long INIT_LIMIT_SECONDS = 10;

    enum State {
        STARTING,
        READY,
        STOPPED
    }

    /** Told when the environment can take another invocation or is gone. */
    interface Listener {
        /** The runtime finished its init: it asked for its first invocation. */
        void initialized(ExecutionEnvironment environment);

        void available(ExecutionEnvironment environment);

        void stopped(ExecutionEnvironment environment);
    }

    private final String id;
    private final FunctionVersion version;
    private final long codeGeneration;
    private final EnvironmentLog log;
    private final ScheduledExecutorService timer;
    private final Listener listener;
    private long startedNanos = System.nanoTime();
    private Process process;
    private State state = State.STARTING;
    private double initDurationMs = -1;
    private boolean initDurationReported;
    private Invocation current;
    private boolean delivered;
    private long deliveredNanos;
    private ScheduledFuture<?> deadline;
    private CompletableFuture<Invocation> waitingForNext;
    private long idleSinceNanos = System.nanoTime();

    ExecutionEnvironment(
            String id,
            FunctionVersion version,
            long codeGeneration,
            EnvironmentLog log,
            ScheduledExecutorService timer,
            Listener listener) {
        this.id = id;
        this.version = version;
        this.codeGeneration = codeGeneration;
        this.log = log;
        this.timer = timer;
        this.listener = listener;
    }

    public String id() {
        return id;
    }

    public FunctionVersion version() {
        return version;
    }

    long codeGeneration() {
        return codeGeneration;
    }

    EnvironmentLog log() {
        return log;
    }

    /** Starts the process; a launch failure (no bootstrap, no JVM) fails the first invocation. */
    void launch(EnvironmentLauncher launcher, Path codeDirectory, String runtimeApi) {
        synchronized (this) {
            startedNanos = System.nanoTime(); // init starts with the process, not when the environment was planned
        }
        log.emit("INIT_START Runtime Version: " + version.definition().runtime() + " (local, JVM "
                + Runtime.version().feature() + ")\tEnvironment: " + id);
        try {
            Process started = launcher.start(version, codeDirectory, runtimeApi, log.file());
            synchronized (this) {
                process = started;
            }
            started.onExit().thenAccept(p -> processExited(p.exitValue()));
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            String type = message.startsWith("Runtime.")
                    ? message.substring(0, message.indexOf(':'))
                    : "Runtime.InvalidEntrypoint";
            failAndStop(
                    LambdaErrorDocument.of(type, message),
                    "INIT_REPORT Init Duration: 0.00 ms\tPhase: init\tStatus: error\tError Type: " + type);
        }
    }

    /** Gives this environment its next invocation; it is delivered when the runtime asks for it. */
    void assign(Invocation invocation) {
        CompletableFuture<Invocation> waiting;
        synchronized (this) {
            if (state == State.STOPPED) {
                failLater(invocation, LambdaErrorDocument.exited(invocation.requestId(), "environment stopped"));
                return;
            }
            current = invocation;
            delivered = false;
            log.beginInvocation();
            if (state == State.STARTING) {
                long limit = INIT_LIMIT_SECONDS + version.definition().timeoutSeconds();
                deadline = timer.schedule(() -> timeOut(invocation), limit, TimeUnit.SECONDS);
            }
            waiting = waitingForNext;
            waitingForNext = null;
            if (waiting != null) {
                deliver();
            }
        }
        if (waiting != null) {
            waiting.complete(invocation);
        }
    }

    /** The runtime's {@code GET /runtime/invocation/next}: completes when there is an invocation to run. */
    public CompletableFuture<Invocation> nextInvocation() {
        boolean initialized;
        synchronized (this) {
            initialized = state == State.STARTING;
            if (initialized) {
                state = State.READY;
                initDurationMs = (System.nanoTime() - startedNanos) / 1e6;
            }
        }
        if (initialized) {
            listener.initialized(this); // outside the lock: the pool may start the next environment
        }
        synchronized (this) {
            if (state == State.STOPPED) {
                return CompletableFuture.failedFuture(
                        new RuntimeApiException(500, "Runtime.Stopped", "environment stopped"));
            }
            if (current != null && delivered) {
                // asking for the next event without answering the current one: Lambda treats it as a null response
                throw new RuntimeApiException(
                        403,
                        "InvalidStateTransition",
                        "the runtime asked for the next invocation before answering " + current.requestId());
            }
            if (current != null) {
                deliver();
                return CompletableFuture.completedFuture(current);
            }
            idleSinceNanos = System.nanoTime();
            waitingForNext = new CompletableFuture<>();
            return waitingForNext;
        }
    }

    private void deliver() { // holds the lock
        delivered = true;
        deliveredNanos = System.nanoTime();
        if (deadline != null) {
            deadline.cancel(false);
        }
        Invocation invocation = current;
        deadline =
                timer.schedule(() -> timeOut(invocation), version.definition().timeoutSeconds(), TimeUnit.SECONDS);
        log.emit("START RequestId: " + invocation.requestId() + " Version: " + version.version());
    }

    public long deadlineEpochMillis() {
        synchronized (this) {
            long remainingNanos =
                    version.definition().timeoutSeconds() * 1_000_000_000L - (System.nanoTime() - deliveredNanos);
            return System.currentTimeMillis() + remainingNanos / 1_000_000;
        }
    }

    /** The runtime's {@code POST /runtime/invocation/{id}/response}. */
    public void respond(String requestId, byte[] payload) {
        finish(requestId, new Outcome(payload, null));
    }

    /** The runtime's {@code POST /runtime/invocation/{id}/error}. */
    public void error(String requestId, byte[] errorDocument) {
        finish(requestId, new Outcome(errorDocument, "Unhandled"));
    }

    /** The runtime's {@code POST /runtime/init/error}: the pending invocation fails with it; the runtime then exits. */
    public void initError(String errorType, byte[] errorDocument) {
        Invocation failed;
        synchronized (this) {
            if (state != State.STARTING && initDurationMs >= 0 && current == null) {
                throw new RuntimeApiException(403, "InvalidStateTransition", "init already finished");
            }
            initDurationMs = (System.nanoTime() - startedNanos) / 1e6;
            failed = current;
            current = null;
            state = State.STOPPED;
        }
        String report = String.format(
                "INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s",
                initDurationMs, errorType == null ? "Runtime.Unknown" : errorType);
        completeFailed(failed, errorDocument, report);
        destroy();
    }

    private record Outcome(byte[] payload, String functionError) {}

    private void finish(String requestId, Outcome outcome) {
        Invocation finished;
        String report;
        synchronized (this) {
            if (current == null || !delivered) {
                throw new RuntimeApiException(403, "InvalidStateTransition", "no invocation is in progress");
            }
            if (!current.requestId().equals(requestId)) {
                throw new RuntimeApiException(
                        400,
                        "InvalidRequestID",
                        "the invocation in progress is " + current.requestId() + ", not " + requestId);
            }
            deadline.cancel(false);
            finished = current;
            current = null;
            report = report(finished, "");
        }
        String invocationLog = log.endInvocation("END RequestId: " + finished.requestId(), report);
        listener.available(this); // first, so that the caller's next request finds this environment warm
        finished.result()
                .complete(new InvocationResult(
                        outcome.payload(), outcome.functionError(), version.version(), invocationLog));
    }

    private String report(Invocation invocation, String status) { // holds the lock
        // built by hand: String.format's Formatter cost more than the rest of the line, once per invocation
        double durationMs = (System.nanoTime() - deliveredNanos) / 1e6;
        StringBuilder line = new StringBuilder(160)
                .append("REPORT RequestId: ")
                .append(invocation.requestId())
                .append("\tDuration: ")
                .append(twoDecimals(durationMs))
                .append(" ms\tBilled Duration: ")
                .append((long) Math.ceil(durationMs))
                .append(" ms\tMemory Size: ")
                .append(version.definition().memorySize())
                .append(" MB\tMax Memory Used: ")
                .append(maxMemoryUsedMb())
                .append(" MB");
        if (!initDurationReported && initDurationMs >= 0) {
            line.append("\tInit Duration: ").append(twoDecimals(initDurationMs)).append(" ms");
            initDurationReported = true;
        }
        line.append(status);
        return line.toString();
    }

    /** A non-negative number with two decimals and a point, as Lambda writes durations, whatever the locale. */
    static String twoDecimals(double value) {
        long hundredths = Math.round(value * 100);
        long fraction = hundredths % 100;
        return (hundredths / 100) + (fraction < 10 ? ".0" : ".") + fraction;
    }

    /** Peak resident memory of the process (VmHWM), as Lambda's Max Memory Used. */
    private String maxMemoryUsedMb() {
        if (process == null) {
            return "0";
        }
        try {
            // one read and one search: it runs per invocation, and line by line with a regex cost more than the read
            String status = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "status"), ISO_8859_1);
            int at = status.indexOf(VM_HWM);
            if (at >= 0) {
                int end = status.indexOf('\n', at + 1);
                String value = status.substring(at + VM_HWM.length(), end < 0 ? status.length() : end);
                long kb = Long.parseLong(value.replace("kB", "").strip());
                return String.valueOf(Math.max(1, Math.round(kb / 1024.0)));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return "?";
    }

    private static final String VM_HWM = "\nVmHWM:";

    private void timeOut(Invocation invocation) {
        String report;
        boolean wasDelivered;
        synchronized (this) {
            if (current != invocation) {
                return;
            }
            wasDelivered = delivered;
            if (!wasDelivered) {
                deliveredNanos = System.nanoTime(); // the init ran out: count the report from now
            }
            current = null;
            state = State.STOPPED;
            report = report(invocation, "\tStatus: timeout");
        }
        int timeout = version.definition().timeoutSeconds();
        String stamp = Instant.now().toString();
        String invocationLog = log.endInvocation(
                stamp + " " + invocation.requestId() + " " + LambdaErrorDocument.timeoutText(timeout),
                "END RequestId: " + invocation.requestId(),
                report);
        destroy();
        invocation
                .result()
                .complete(new InvocationResult(
                        LambdaErrorDocument.timedOut(invocation.requestId(), timeout),
                        "Unhandled",
                        version.version(),
                        invocationLog));
    }

    private void processExited(int exitValue) {
        Invocation failed;
        CompletableFuture<Invocation> waiting;
        String report = null;
        synchronized (this) {
            boolean wasStopped = state == State.STOPPED;
            failed = current;
            current = null;
            waiting = waitingForNext;
            waitingForNext = null;
            state = State.STOPPED;
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (failed != null) {
                report = delivered
                        ? report(failed, "\tStatus: error\tError Type: Runtime.ExitError")
                        : String.format(
                                "INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError",
                                (System.nanoTime() - startedNanos) / 1e6);
            } else if (wasStopped) {
                report = null;
            }
        }
        if (waiting != null) {
            waiting.completeExceptionally(new RuntimeApiException(500, "Runtime.Stopped", "environment stopped"));
        }
        if (failed != null) {
            String description = LambdaErrorDocument.exitDescription(exitValue);
            log.emit("RequestId: " + failed.requestId() + " Error: Runtime exited with error: " + description);
            log.emit("Runtime.ExitError");
            String invocationLog = log.endInvocation("END RequestId: " + failed.requestId(), report);
            failed.result()
                    .complete(new InvocationResult(
                            LambdaErrorDocument.exited(failed.requestId(), description),
                            "Unhandled",
                            version.version(),
                            invocationLog));
        } else {
            log.pump();
        }
        listener.stopped(this);
        log.close();
    }

    private void failAndStop(byte[] errorDocument, String reportLine) {
        Invocation failed;
        synchronized (this) {
            failed = current;
            current = null;
            state = State.STOPPED;
        }
        completeFailed(failed, errorDocument, reportLine);
        listener.stopped(this);
        log.close();
    }

    private void completeFailed(Invocation failed, byte[] errorDocument, String reportLine) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        String invocationLog = log.endInvocation(reportLine);
        if (failed != null) {
            failed.result()
                    .complete(new InvocationResult(errorDocument, "Unhandled", version.version(), invocationLog));
        }
    }

    private void failLater(Invocation invocation, byte[] errorDocument) {
        invocation.result().complete(new InvocationResult(errorDocument, "Unhandled", version.version(), ""));
    }

    synchronized boolean idleLongerThan(long nanos) {
        return state == State.READY
                && current == null
                && waitingForNext != null
                && System.nanoTime() - idleSinceNanos > nanos;
    }

    synchronized boolean stopped() {
        return state == State.STOPPED;
    }

    /** Ends the process (scale to zero, hot reload, shutdown); the exit is handled like any other. */
    void destroy() {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** Takes the environment out of service; {@link #destroy()} then ends its idle process without failing anything. */
    synchronized void retire() {
        state = State.STOPPED;
    }

    /** Ends the process quietly: it is idle, so its exit fails nothing. */
    void stop() {
        retire();
        destroy();
    }
}
