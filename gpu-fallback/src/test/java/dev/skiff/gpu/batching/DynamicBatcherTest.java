package dev.skiff.gpu.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.gpu.observability.PoolMetrics;
import dev.skiff.gpu.provider.ExecutionProvider;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The queue, its callers and its worker with a gated instance: each run reports its rows and the
 * thread that ran it, then waits for the test to let it finish. No sleeps and no timing: a run's
 * rows show what the scheduler chose. A request that finds the instance idle runs on its own
 * thread, so those are submitted from a thread of their own ({@link #caller}); requests submitted
 * while the instance is busy only queue up. (The waits below are only there so a broken batcher
 * fails instead of hanging.)
 */
class DynamicBatcherTest {
    static final long HOUR = TimeUnit.HOURS.toNanos(1);

    /** Answers each row's input unchanged, after the test releases the run. */
    static final class GatedInstance implements DynamicBatcher.Instance {
        final BlockingQueue<Long> runs = new LinkedBlockingQueue<>();
        final BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        final Semaphore finish = new Semaphore(0);

        @Override
        public InferResponse infer(InferRequest request) {
            threads.add(Thread.currentThread().getName());
            runs.add(request.inputs().get(0).shape()[0]);
            finish.acquireUninterruptibly();
            return new InferResponse("m", "1", request.id(), request.inputs(), false);
        }

        /** The rows of the run the worker started next. */
        long nextRun() throws InterruptedException {
            Long rows = runs.poll(30, TimeUnit.SECONDS);
            assertNotNull(rows, "the worker started no run");
            return rows;
        }

        /** The thread that ran the run {@link #nextRun()} saw last. */
        String lastThread() {
            return threads.remove();
        }
    }

    final GatedInstance instance = new GatedInstance();
    final GatedInstance other = new GatedInstance();
    DynamicBatcher batcher;

    @AfterEach
    void stop() throws InterruptedException {
        if (batcher == null) return;
        batcher.retire();
        instance.finish.release(1000);
        other.finish.release(1000);
        batcher.awaitStopped(Duration.ofSeconds(10));
    }

    /** Submits from a thread of its own, named {@code name}, which may run the queue itself. */
    private CompletableFuture<InferResponse> caller(String name, InferRequest request) {
        CompletableFuture<InferResponse> answer = new CompletableFuture<>();
        Thread.ofPlatform()
                .name(name)
                .start(() -> batcher.submit(request).whenComplete((response, failure) -> {
                    if (failure != null) answer.completeExceptionally(failure);
                    else answer.complete(response);
                }));
        return answer;
    }

    private DynamicBatcher batcher(boolean merges, long maxRows, long delayNanos) {
        batcher = new DynamicBatcher(
                "m",
                "1",
                List.of(instance),
                new BatchPolicy(merges, maxRows, false, delayNanos, 256),
                new PoolMetrics(ExecutionProvider.cpu("test")));
        return batcher;
    }

    /** Batching on or off: the same path for a lone request. */
    @ParameterizedTest(name = "merges requests: {0}")
    @ValueSource(booleans = {true, false})
    void anIdleInstanceRunsALoneRequestAtOnceOnItsCallersOwnThread(boolean merges) throws Exception {
        batcher(merges, 64, 0);
        CompletableFuture<InferResponse> a = caller("client-a", request(1, 2, 1));
        assertEquals(1, instance.nextRun());
        assertEquals("client-a", instance.lastThread(), "no hand-off to a worker while the instance is idle");
        instance.finish.release();
        assertRows(a, 1, 2, 1);
        CompletableFuture<InferResponse> b = caller("client-b", request(2, 2, 4)); // idle again: its own thread again
        assertEquals(2, instance.nextRun());
        assertEquals("client-b", instance.lastThread());
        instance.finish.release();
        assertRows(b, 2, 2, 4);
    }

    @Test
    void beyondTheCallerRunLimitAWorkerRunsTheIdleInstance() throws Exception {
        batcher = new DynamicBatcher(
                "m",
                "1",
                List.of(instance, other),
                new BatchPolicy(false, 64, false, 0, 256),
                new PoolMetrics(ExecutionProvider.cpu("test")),
                1);
        CompletableFuture<InferResponse> a = caller("client-a", request(1, 2, 1));
        assertEquals(1, instance.nextRun());
        assertEquals("client-a", instance.lastThread());
        CompletableFuture<InferResponse> b = caller("client-b", request(2, 2, 4)); // one caller runs already
        assertEquals(2, other.nextRun());
        assertTrue(other.lastThread().startsWith("batcher-m-v1-"), "a worker, not client-b, runs the other instance");
        instance.finish.release();
        other.finish.release();
        assertRows(a, 1, 2, 1);
        assertRows(b, 2, 2, 4);
    }

    @Test
    void requestsArrivingDuringARunFormTheNextBatchAndEachGetsItsOwnRows() throws Exception {
        batcher(true, 64, 0);
        CompletableFuture<InferResponse> a = caller("client-a", request(1, 2, 1));
        assertEquals(1, instance.nextRun()); // a runs on its caller's thread; the instance is busy
        List<CompletableFuture<InferResponse>> next = new ArrayList<>();
        for (int i = 2; i <= 4; i++) next.add(batcher.submit(request(i - 1, 2, i * 10)));
        instance.finish.release();
        assertRows(a, 1, 2, 1);
        assertEquals(1 + 2 + 3, instance.nextRun()); // b, c, d together
        assertEquals("client-a", instance.lastThread());
        assertTrue(
                instance.lastThread().startsWith("batcher-m-v1-"), "a's caller, answered, left the rest to a worker");
        instance.finish.release();
        for (int i = 2; i <= 4; i++) assertRows(next.get(i - 2), i - 1, 2, i * 10);
    }

    @Test
    void aBatchNeverExceedsMaxBatchSize() throws Exception {
        batcher(true, 2, 0);
        caller("client", request(1, 2, 0));
        assertEquals(1, instance.nextRun());
        for (int i = 0; i < 4; i++) batcher.submit(request(1, 2, i));
        instance.finish.release();
        assertEquals(2, instance.nextRun());
        instance.finish.release();
        assertEquals(2, instance.nextRun());
        instance.finish.release();
    }

    @Test
    void requestsOfAnotherShapeWaitForARunOfTheirOwn() throws Exception {
        batcher(true, 64, 0);
        caller("client", request(1, 2, 0));
        assertEquals(1, instance.nextRun());
        batcher.submit(request(1, 2, 0));
        CompletableFuture<InferResponse> wide = batcher.submit(request(2, 3, 7));
        batcher.submit(request(3, 2, 0));
        instance.finish.release();
        assertEquals(4, instance.nextRun()); // the two of width 2
        instance.finish.release();
        assertEquals(2, instance.nextRun()); // then the wide one
        instance.finish.release();
        assertRows(wide, 2, 3, 7);
    }

    @Test
    void withBatchingOffEachRequestRunsAlone() throws Exception {
        batcher(false, 64, 0);
        caller("client", request(1, 2, 0));
        assertEquals(1, instance.nextRun());
        for (int i = 0; i < 3; i++) batcher.submit(request(2, 2, i));
        for (int i = 0; i < 3; i++) {
            instance.finish.release();
            assertEquals(2, instance.nextRun());
        }
        instance.finish.release();
    }

    @Test
    void aConfiguredDelayHoldsABatchOnlyUntilItIsFull() throws Exception {
        batcher(true, 4, HOUR); // an hour: the run below can only start because the batch filled
        batcher.submit(request(1, 2, 0)); // held back: returns at once
        batcher.submit(request(2, 2, 0));
        caller("client", request(1, 2, 0)); // fills the batch: its caller runs it
        assertEquals(4, instance.nextRun());
        assertEquals("client", instance.lastThread());
        instance.finish.release();
    }

    @Test
    void retiringRunsWhatIsQueuedWithoutWaitingOutTheDelay() throws Exception {
        batcher(true, 64, HOUR);
        CompletableFuture<InferResponse> held = batcher.submit(request(1, 2, 5));
        batcher.retire();
        assertEquals(1, instance.nextRun());
        assertTrue(instance.lastThread().startsWith("batcher-"));
        instance.finish.release();
        assertRows(held, 1, 2, 5);
        assertTrue(batcher.awaitStopped(Duration.ofSeconds(30)));
    }

    /** {@code rows} rows of {@code width} floats counting up from {@code first}. */
    static InferRequest request(int rows, int width, int first) {
        float[] values = new float[rows * width];
        for (int i = 0; i < values.length; i++) values[i] = first + i;
        return new InferRequest(
                "r" + first,
                Map.of(),
                List.of(Tensor.ofFloats("x", new long[] {rows, width}, values)),
                List.of(),
                false);
    }

    private static void assertRows(CompletableFuture<InferResponse> answer, int rows, int width, int first)
            throws Exception {
        InferResponse response = answer.get(30, TimeUnit.SECONDS);
        assertEquals("r" + first, response.id());
        Tensor y = response.outputs().get(0);
        assertEquals(List.of((long) rows, (long) width), List.of(y.shape()[0], y.shape()[1]));
        for (int i = 0; i < rows * width; i++) assertEquals(first + i, y.getDouble(i));
    }
}
