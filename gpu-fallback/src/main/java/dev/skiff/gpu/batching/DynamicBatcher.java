package dev.skiff.gpu.batching;

import dev.skiff.gpu.observability.PoolMetrics;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ProtocolException;
import dev.skiff.runtime.protocol.Tensor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One model version's queue and its session instances. Whoever finds an instance idle runs on it
 * what the version's {@link Scheduler} picks from the queue (work-conserving batching, or one
 * request per run when batching is off), as one request, and hands each caller its own rows.
 *
 * <p>Caller runs: a request that arrives while an instance is idle is run at once by its own
 * (request) thread, which would only wait for its answer otherwise, so an idle version costs no
 * hand-off to another thread and no wake-up, and batching on does exactly what off does for a
 * lone request. That thread runs one batch at most (the scheduler's pick, which holds its own
 * request unless older ones queued first), then gives the instance back. At most one caller per
 * core but one runs at a time (see {@code callerRunLimit}); beyond that, workers run the idle instances. Requests that arrive
 * while every instance is busy queue up and form the next batch, which the version's workers (one
 * per instance) run, keeping the instance while the queue has a batch for it; a worker also times
 * a configured delay. A merged run that fails is run again request by request, so a bad request
 * fails only itself.
 */
public final class DynamicBatcher {
    /** One session instance of the version, as a worker runs it. */
    @FunctionalInterface
    public interface Instance {
        InferResponse infer(InferRequest request);
    }

    private final String model;
    private final String version;
    private final BatchPolicy policy;
    private final Scheduler scheduler;
    private final PoolMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a request is queued, an instance comes back, or the batcher retires. */
    private final Condition changed = lock.newCondition();

    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    /** The instances nobody runs now. */
    private final ArrayDeque<Instance> idle = new ArrayDeque<>();

    private final int instances;
    /**
     * Callers that may run at once. Requests are answered on virtual threads, and a model run
     * holds its thread's carrier (one per core) for its length: callers alone must not take every
     * carrier, or no new request could be read while they run and no batch could form.
     */
    private final int callerRunLimit;

    private int callerRuns;
    private final List<Thread> workers = new ArrayList<>();
    private boolean retired;

    public DynamicBatcher(
            String model, String version, List<? extends Instance> instances, BatchPolicy policy, PoolMetrics metrics) {
        this(
                model,
                version,
                instances,
                policy,
                metrics,
                Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    }

    DynamicBatcher(
            String model,
            String version,
            List<? extends Instance> instances,
            BatchPolicy policy,
            PoolMetrics metrics,
            int callerRunLimit) {
        this.callerRunLimit = callerRunLimit;
        this.model = model;
        this.version = version;
        this.policy = policy;
        this.scheduler = policy.scheduler();
        this.metrics = metrics;
        this.instances = instances.size();
        idle.addAll(instances);
        for (int i = 0; i < instances.size(); i++) {
            workers.add(Thread.ofPlatform()
                    .daemon()
                    .name("batcher-" + model + "-v" + version + "-" + i)
                    .unstarted(this::work));
        }
        workers.forEach(Thread::start);
    }

    public BatchPolicy policy() {
        return policy;
    }

    /**
     * Queues a request, and runs the queue on the calling thread when an instance is idle (see the
     * class comment); the future completes with the request's own answer, or its own error.
     *
     * @return null once this batcher is retired: the caller sends the request to the version's successor
     * @throws ProtocolException 503 when the queue is full
     */
    public CompletableFuture<InferResponse> submit(InferRequest request) {
        RowBatch.Shape shape = policy.mergesRequests() ? RowBatch.shapeOf(request) : null;
        Queued queued = new Queued(request, shape, System.nanoTime());
        Instance instance = null;
        List<Queued> batch = null;
        lock.lock();
        try {
            if (retired) return null;
            if (queue.size() >= policy.queueCapacity()) {
                throw ProtocolException.unavailable("model '" + model + "' version " + version + " has " + queue.size()
                        + " requests queued, its queueCapacity; retry after a short pause");
            }
            queue.addLast(queued);
            if (!idle.isEmpty() && callerRuns < callerRunLimit) {
                batch = nextOrNull();
                if (batch == null) {
                    changed.signal(); // held back: a worker times the configured delay
                } else {
                    instance = idle.pollFirst();
                    callerRuns++;
                }
            } else if (!idle.isEmpty()) {
                changed.signal(); // enough callers run already: a worker takes the idle instance
            } // else every instance is busy: the one given back first runs it
            metrics.queueDepth(
                    model, version, queue.size()); // under the lock, so a later size never loses to an earlier one
        } finally {
            lock.unlock();
        }
        if (batch != null) {
            runSafely(instance, batch);
            lock.lock();
            try {
                callerRuns--;
                giveBack(instance); // one run at most: the caller's thread is for its own answer
            } finally {
                lock.unlock();
            }
        }
        return queued.answer;
    }

    /** Takes no new requests; those queued still run, then the workers stop. */
    public void retire() {
        lock.lock();
        try {
            retired = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until what was queued before {@link #retire()} has run and the workers stopped; false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !worker.join(Duration.ofNanos(left))) return false;
        }
        lock.lock();
        try {
            while (idle.size() < instances) { // a caller may still be running the last batch
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A worker: runs what is queued whenever an instance is idle and the scheduler lets a batch run. */
    private void work() {
        while (true) {
            Instance instance;
            List<Queued> batch;
            lock.lock();
            try {
                while (true) {
                    if (queue.isEmpty() && retired) return;
                    if (queue.isEmpty() || idle.isEmpty()) {
                        changed.await();
                        continue;
                    }
                    long now = System.nanoTime();
                    Scheduler.Decision decision = take(now);
                    if (decision.runsNow()) {
                        batch = decision.batch();
                        instance = idle.pollFirst();
                        break;
                    }
                    changed.awaitNanos(decision.waitUntilNanos() - now);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            while (batch != null) { // keeps the instance while the queue has a batch to run
                runSafely(instance, batch);
                lock.lock();
                try {
                    batch = nextOrNull();
                    if (batch == null) giveBack(instance);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Under the lock: the scheduler's decision for a non-empty queue, its batch taken off the
     * queue when it runs now (a retired batcher holds nothing back).
     */
    private Scheduler.Decision take(long now) {
        Scheduler.Decision decision = scheduler.next(queue, now);
        if (!decision.runsNow() && retired) decision = Scheduler.Decision.run(List.of(queue.peekFirst()));
        if (decision.runsNow()) {
            for (Queued q : decision.batch()) queue.remove(q);
            metrics.queueDepth(model, version, queue.size());
        }
        return decision;
    }

    /** Under the lock: the next batch to run now, or null when the queue is empty or held back. */
    private List<Queued> nextOrNull() {
        if (queue.isEmpty()) return null;
        List<Queued> batch = take(System.nanoTime()).batch();
        return batch.isEmpty() ? null : batch;
    }

    /** Under the lock: the instance is idle again; a worker takes over what is queued. */
    private void giveBack(Instance instance) {
        idle.addFirst(instance);
        if (retired) changed.signalAll(); // awaitStopped counts idle instances
        else if (!queue.isEmpty()) changed.signal();
    }

    private void runSafely(Instance instance, List<Queued> batch) {
        try {
            run(instance, batch);
        } catch (Throwable t) { // a runner must outlive any request: fail the batch, keep serving
            for (Queued q : batch) q.answer.completeExceptionally(t);
        }
    }

    /** Runs the batch, records it, then answers its callers: a caller that reads the metrics sees its own run. */
    private void run(Instance instance, List<Queued> batch) {
        long start = System.nanoTime();
        long rows = 0;
        for (Queued q : batch) {
            metrics.queued(model, version, start - q.enqueuedNanos);
            rows += q.rows();
        }
        List<Runnable> answers;
        if (batch.size() == 1) {
            Queued only = batch.get(0);
            answers = List.of(outcome(only, () -> instance.infer(only.request)));
        } else {
            answers = runMerged(instance, batch);
        }
        long nanos = System.nanoTime() - start;
        metrics.batch(model, version, batch.size(), rows, nanos);
        lock.lock();
        try {
            scheduler.ran(rows, nanos);
        } finally {
            lock.unlock();
        }
        answers.forEach(Runnable::run);
    }

    /** Each caller's answer, to be handed over: its own rows of one merged run, or its own run's outcome. */
    private List<Runnable> runMerged(Instance instance, List<Queued> batch) {
        List<InferRequest> requests = new ArrayList<>(batch.size());
        long[] rows = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            requests.add(batch.get(i).request);
            rows[i] = batch.get(i).rows();
        }
        List<Runnable> answers = new ArrayList<>(batch.size());
        List<List<Tensor>> shares;
        InferResponse merged;
        try {
            merged = instance.infer(RowBatch.merge(requests));
            shares = RowBatch.split(merged.outputs(), rows);
        } catch (RuntimeException e) {
            // one bad request spoils a merged run: run each alone, so each gets its own answer or error
            metrics.batchFallback(model, version);
            for (Queued q : batch) answers.add(outcome(q, () -> instance.infer(q.request)));
            return answers;
        }
        for (int i = 0; i < batch.size(); i++) {
            InferRequest request = requests.get(i);
            InferResponse own = new InferResponse(
                    merged.modelName(), merged.modelVersion(), request.id(), shares.get(i), request.tfServing());
            Queued caller = batch.get(i);
            answers.add(() -> caller.answer.complete(own));
        }
        return answers;
    }

    /** Runs the request now; the returned action hands its answer, or its error, to the caller. */
    private static Runnable outcome(Queued q, Supplier<InferResponse> run) {
        try {
            InferResponse response = run.get();
            return () -> q.answer.complete(response);
        } catch (RuntimeException | Error e) {
            return () -> q.answer.completeExceptionally(e);
        }
    }

    @Override
    public String toString() {
        return "batcher of model '" + model + "' version " + version + " (" + scheduler + ")";
    }
}
