package dev.skiff.deployer.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.deployer.plan.BatchPlan;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a batch input through the function as a Distributed Map would: batches of items as
 * ItemBatcher events, at most {@code concurrency} in flight, and writes the answers in input order.
 * A row the function could not score is a failed item; a batch the function refused as a whole
 * (an unknown model, an invocation error) fails each of its rows with that message.
 */
public final class LocalBatchRun {
    private static final JsonFactory JSON = new JsonFactory(); // databind only for an error answer: see Databind

    /** @param maxBytes the most one event may take, as ItemBatcher's MaxInputBytesPerBatch */
    public record Settings(String model, String version, int batchSize, int concurrency, int maxBytes) {
        public Settings(String model, String version, int batchSize, int concurrency) {
            this(model, version, batchSize, concurrency, BatchPlan.MAX_INPUT_BYTES_PER_BATCH);
        }
    }

    private final Settings settings;
    private final BatchInvoker invoker;

    public LocalBatchRun(Settings settings, BatchInvoker invoker) {
        this.settings = settings;
        this.invoker = invoker;
    }

    /** @param total the rows in the input, for the progress bar's ETA; -1 when unknown */
    public BatchSummary run(InputRows input, ResultFiles results, ProgressBar bar, long total, double tolerated)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        AtomicLong done = new AtomicLong(), failed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread thread = new Thread(r, "skiff-batch");
            thread.setDaemon(true);
            return thread;
        });
        // batches in input order; a bounded queue keeps memory flat and the answers in order
        ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        try {
            Batch batch = newBatch();
            for (InputRows.Read row = input.advance(); row != null; row = input.advance()) {
                if (!batch.add(row, input)) { // past the byte limit: the row starts the next batch
                    inFlight.add(batch.send(pool));
                    batch = newBatch();
                    if (!batch.add(row, input))
                        batch.skip(
                                row.number(),
                                "the row alone is larger than a batch's " + settings.maxBytes() + " bytes");
                }
                if (batch.rows == settings.batchSize()) {
                    inFlight.add(batch.send(pool));
                    batch = newBatch();
                }
                while (inFlight.size() > 2 * settings.concurrency()) {
                    collect(inFlight.poll(), results, done, failed);
                    bar.show(new Progress(done.get(), failed.get(), total, millisSince(start)));
                }
            }
            if (batch.rows > 0) inFlight.add(batch.send(pool));
            while (!inFlight.isEmpty()) {
                collect(inFlight.poll(), results, done, failed);
                bar.show(new Progress(done.get(), failed.get(), total, millisSince(start)));
            }
        } finally {
            pool.shutdownNow();
        }
        BatchSummary summary = new BatchSummary(done.get(), failed.get(), tolerated, millisSince(start));
        bar.finish(new Progress(done.get(), failed.get(), done.get(), summary.elapsedMillis()));
        return summary;
    }

    private Batch newBatch() {
        return new Batch(
                new BatchPayload(settings.model(), settings.version(), settings.maxBytes()), settings.batchSize());
    }

    /**
     * One batch being read: its rows' numbers in order, the event of those that can be scored, and
     * why each of the others cannot (an unreadable row is not sent; it fails alone).
     */
    private final class Batch {
        final BatchPayload event;
        final long[] numbers;
        String[] unreadable; // by position; null until a row needs it
        int rows;

        Batch(BatchPayload event, int size) {
            this.event = event;
            this.numbers = new long[size];
        }

        boolean add(InputRows.Read row, InputRows input) {
            if (row.unreadable() != null) {
                skip(row.number(), row.unreadable());
                return true;
            }
            if (!input.addTo(event)) return false;
            numbers[rows++] = row.number();
            return true;
        }

        void skip(long number, String why) {
            if (unreadable == null) unreadable = new String[numbers.length];
            unreadable[rows] = why;
            numbers[rows++] = number;
        }

        Pending send(ExecutorService pool) {
            byte[] bytes = event.finish();
            int sent = event.items();
            return new Pending(this, pool.submit(() -> sent == 0 ? List.of() : invoke(bytes, sent)));
        }
    }

    private record Pending(Batch batch, Future<List<ItemAnswer>> answers) {}

    private void collect(Pending pending, ResultFiles results, AtomicLong done, AtomicLong failed)
            throws InterruptedException {
        Batch batch = pending.batch();
        List<ItemAnswer> answers;
        try {
            answers = pending.answers().get();
        } catch (ExecutionException e) {
            answers = failAll(
                    batch.event.items(), "the batch failed: " + e.getCause().getMessage());
        }
        int next = 0;
        for (int i = 0; i < batch.rows; i++) {
            String unreadable = batch.unreadable == null ? null : batch.unreadable[i];
            ItemAnswer answer = unreadable == null ? answers.get(next++) : ItemAnswer.error(unreadable);
            if (answer.failed()) failed.incrementAndGet();
            results.write(batch.numbers[i], answer);
            done.incrementAndGet();
        }
    }

    /** The function's answers to one event of {@code items} items, one per item. */
    private List<ItemAnswer> invoke(byte[] event, int items) throws Exception {
        byte[] answer = invoker.invoke(event);
        List<ItemAnswer> answers = CompactAnswers.read(answer);
        if (answers == null) answers = readArray(answer);
        if (answers == null) return failAll(items, errorOf(answer));
        if (answers.size() == items) return answers;
        return failAll(items, "the function answered " + answers.size() + " results for " + items + " items");
    }

    /** An answer array through the streaming parser, with no JSON tree per row; null when the answer is no array. */
    private static List<ItemAnswer> readArray(byte[] answer) throws IOException {
        try (JsonParser p = JSON.createParser(answer)) {
            return p.nextToken() == JsonToken.START_ARRAY ? ItemAnswer.readArray(p) : null;
        }
    }

    private static String errorOf(byte[] answer) throws IOException {
        JsonNode json = Databind.JSON.readTree(answer);
        return json.has(ResultFiles.ERROR)
                ? json.get(ResultFiles.ERROR).asText()
                : "the function answered no array of results";
    }

    private static List<ItemAnswer> failAll(int items, String message) {
        List<ItemAnswer> answers = new ArrayList<>(items);
        for (int i = 0; i < items; i++) answers.add(ItemAnswer.error(message));
        return answers;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
