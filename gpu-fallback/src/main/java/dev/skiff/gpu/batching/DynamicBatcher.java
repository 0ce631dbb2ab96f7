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
 * One model version's queue and its workers, one per session instance. An idle worker asks the
 * version's {@link Scheduler} which queued requests to run next (work-conserving batching, or one
 * request per run when batching is off), runs them as one request, and hands each caller its own
 * rows. A merged run that fails is run again request by request, so a bad request fails only itself.
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
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final List<Thread> workers = new ArrayList<>();
    private boolean retired;

    public DynamicBatcher(
            String model, String version, List<? extends Instance> instances, BatchPolicy policy, PoolMetrics metrics) {
        this.model = model;
        this.version = version;
        this.policy = policy;
        this.scheduler = policy.scheduler();
        this.metrics = metrics;
        for (int i = 0; i < instances.size(); i++) {
            Instance instance = instances.get(i);
            workers.add(Thread.ofPlatform()
                    .daemon()
                    .name("batcher-" + model + "-v" + version + "-" + i)
                    .unstarted(() -> work(instance)));
        }
        workers.forEach(Thread::start);
    }

    public BatchPolicy policy() {
        return policy;
    }

    /**
     * Queues a request; the future completes with the request's own answer, or its own error.
     *
     * @return null once this batcher is retired: the caller sends the request to the version's successor
     * @throws ProtocolException 503 when the queue is full
     */
    public CompletableFuture<InferResponse> submit(InferRequest request) {
        RowBatch.Shape shape = policy.mergesRequests() ? RowBatch.shapeOf(request) : null;
        Queued queued = new Queued(request, shape, System.nanoTime());
        lock.lock();
        try {
            if (retired) return null;
            if (queue.size() >= policy.queueCapacity()) {
                throw ProtocolException.unavailable("model '" + model + "' version " + version + " has " + queue.size()
                        + " requests queued, its queueCapacity; retry after a short pause");
            }
            queue.addLast(queued);
            metrics.queueDepth(
                    model, version, queue.size()); // under the lock, so a later size never loses to an earlier one
            changed.signalAll();
        } finally {
            lock.unlock();
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

    /** Waits for the workers to finish what was queued before {@link #retire()}; false on timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !worker.join(Duration.ofNanos(left))) return false;
        }
        return true;
    }

    private void work(Instance instance) {
        while (true) {
            List<Queued> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) return;
            try {
                run(instance, batch);
            } catch (Throwable t) { // a worker must outlive any request: fail the batch, keep serving
                for (Queued q : batch) q.answer.completeExceptionally(t);
            }
        }
    }

    /** The scheduler's next batch, taken off the queue; null when retired and empty. */
    private List<Queued> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (queue.isEmpty()) {
                    if (retired) return null;
                    changed.await();
                    continue;
                }
                long now = System.nanoTime();
                Scheduler.Decision decision = scheduler.next(queue, now);
                if (!decision.runsNow() && retired) decision = Scheduler.Decision.run(List.of(queue.peekFirst()));
                if (decision.runsNow()) {
                    for (Queued q : decision.batch()) queue.remove(q);
                    metrics.queueDepth(model, version, queue.size());
                    return decision.batch();
                }
                changed.awaitNanos(decision.waitUntilNanos() - now);
            }
        } finally {
            lock.unlock();
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
