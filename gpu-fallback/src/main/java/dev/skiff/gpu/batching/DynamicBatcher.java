package dev.skiff.gpu.batching;

import dev.skiff.gpu.observability.PoolMetrics;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ProtocolException;
import dev.skiff.runtime.protocol.Tensor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One model version's queue and its workers, one per session instance. A worker takes the oldest
 * request, waits up to maxQueueDelay for compatible ones (same input names, datatypes and trailing
 * dimensions, same outputs asked for) until maxBatchSize rows, runs them as one request, and hands
 * each caller its own rows. A merged run that fails is run again request by request, so a bad
 * request fails only itself.
 */
public final class DynamicBatcher {
    private final String model;
    private final String version;
    private final BatchPolicy policy;
    private final PoolMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final List<Thread> workers = new ArrayList<>();
    private boolean retired;

    /** A queued request; compared by identity, as the queue removes exactly the ones batched. */
    private static final class Pending {
        final InferRequest request;
        final RowBatch.Shape shape;
        final long enqueuedNanos;
        final CompletableFuture<InferResponse> answer = new CompletableFuture<>();

        Pending(InferRequest request, RowBatch.Shape shape, long enqueuedNanos) {
            this.request = request;
            this.shape = shape;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    public DynamicBatcher(
            String model, String version, List<ModelVersion> instances, BatchPolicy policy, PoolMetrics metrics) {
        this.model = model;
        this.version = version;
        this.policy = policy;
        this.metrics = metrics;
        for (int i = 0; i < instances.size(); i++) {
            ModelVersion instance = instances.get(i);
            Thread worker = Thread.ofPlatform()
                    .daemon()
                    .name("batcher-" + model + "-v" + version + "-" + i)
                    .unstarted(() -> work(instance));
            workers.add(worker);
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
        Pending pending = new Pending(request, shape, System.nanoTime());
        lock.lock();
        try {
            if (retired) return null;
            if (queue.size() >= policy.queueCapacity()) {
                throw ProtocolException.unavailable("model '" + model + "' version " + version + " has " + queue.size()
                        + " requests queued, its queueCapacity; retry after a short pause");
            }
            queue.addLast(pending);
            metrics.queueDepth(
                    model, version, queue.size()); // under the lock, so a later size never loses to an earlier one
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return pending.answer;
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

    private void work(ModelVersion instance) {
        while (true) {
            List<Pending> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) return;
            try {
                run(instance, batch);
            } catch (Throwable t) { // a worker must outlive any request: fail the batch, keep serving
                for (Pending p : batch) p.answer.completeExceptionally(t);
            }
        }
    }

    /** The next batch to run, oldest request first; null when retired and empty. */
    private List<Pending> nextBatch() throws InterruptedException {
        List<Pending> batch;
        lock.lock();
        try {
            while (true) {
                Pending first = queue.peekFirst();
                if (first == null) {
                    if (retired) return null;
                    changed.await();
                    continue;
                }
                batch = compatibleWith(first);
                long waitNanos = first.enqueuedNanos + policy.maxQueueDelayNanos() - System.nanoTime();
                if (first.shape == null || rows(batch) >= policy.maxBatchRows() || waitNanos <= 0 || retired) break;
                changed.awaitNanos(waitNanos);
            }
            for (Pending p : batch) queue.remove(p);
            metrics.queueDepth(model, version, queue.size());
        } finally {
            lock.unlock();
        }
        return batch;
    }

    /** The oldest request and the queued ones that can share its run, in arrival order, within maxBatchSize rows. */
    private List<Pending> compatibleWith(Pending first) {
        List<Pending> batch = new ArrayList<>();
        batch.add(first);
        if (first.shape == null) return batch;
        long rows = first.shape.rows();
        Iterator<Pending> it = queue.iterator();
        it.next(); // first
        while (it.hasNext() && rows < policy.maxBatchRows()) {
            Pending p = it.next();
            if (p.shape != null
                    && p.shape.key().equals(first.shape.key())
                    && rows + p.shape.rows() <= policy.maxBatchRows()) {
                batch.add(p);
                rows += p.shape.rows();
            }
        }
        return batch;
    }

    private static long rows(List<Pending> batch) {
        long rows = 0;
        for (Pending p : batch) rows += p.shape == null ? 1 : p.shape.rows();
        return rows;
    }

    private void run(ModelVersion instance, List<Pending> batch) {
        long start = System.nanoTime();
        for (Pending p : batch) metrics.queued(model, version, start - p.enqueuedNanos);
        if (batch.size() == 1) {
            Pending only = batch.get(0);
            complete(only, () -> instance.infer(only.request));
        } else {
            runMerged(instance, batch);
        }
        metrics.batch(model, version, batch.size(), rows(batch), System.nanoTime() - start);
    }

    private void runMerged(ModelVersion instance, List<Pending> batch) {
        List<InferRequest> requests = new ArrayList<>(batch.size());
        long[] rows = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            requests.add(batch.get(i).request);
            rows[i] = batch.get(i).shape.rows();
        }
        List<List<Tensor>> shares;
        InferResponse merged;
        try {
            merged = instance.infer(RowBatch.merge(requests));
            shares = RowBatch.split(merged.outputs(), rows);
        } catch (RuntimeException e) {
            // one bad request spoils a merged run: run each alone, so each gets its own answer or error
            metrics.batchFallback(model, version);
            for (Pending p : batch) complete(p, () -> instance.infer(p.request));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            InferRequest request = requests.get(i);
            batch.get(i)
                    .answer
                    .complete(new InferResponse(
                            merged.modelName(),
                            merged.modelVersion(),
                            request.id(),
                            shares.get(i),
                            request.tfServing()));
        }
    }

    private static void complete(Pending p, Supplier<InferResponse> run) {
        try {
            p.answer.complete(run.get());
        } catch (RuntimeException | Error e) {
            p.answer.completeExceptionally(e);
        }
    }

    @Override
    public String toString() {
        return "batcher of model '" + model + "' version " + version + " ("
                + TimeUnit.NANOSECONDS.toMillis(policy.maxQueueDelayNanos()) + " ms, " + policy.maxBatchRows()
                + " rows, " + (policy.mergesRequests() ? "merging" : "one request per run") + ")";
    }
}
