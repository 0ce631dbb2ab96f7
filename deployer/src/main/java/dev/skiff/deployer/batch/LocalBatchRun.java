package dev.skiff.deployer.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Settings(String model, String version, int batchSize, int concurrency) {}

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
            List<InputRow> batch = new ArrayList<>(settings.batchSize());
            for (InputRow row = input.next(); ; row = input.next()) {
                if (row != null) batch.add(row);
                if ((row == null && !batch.isEmpty()) || batch.size() == settings.batchSize()) {
                    List<InputRow> rows = batch;
                    inFlight.add(new Pending(rows, pool.submit(() -> answer(rows))));
                    batch = new ArrayList<>(settings.batchSize());
                    while (inFlight.size() > 2 * settings.concurrency()) {
                        collect(inFlight.poll(), results, done, failed);
                        bar.show(new Progress(done.get(), failed.get(), total, millisSince(start)));
                    }
                }
                if (row == null) break;
            }
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

    private record Pending(List<InputRow> rows, Future<List<JsonNode>> answers) {}

    private void collect(Pending pending, ResultFiles results, AtomicLong done, AtomicLong failed)
            throws InterruptedException {
        List<JsonNode> answers;
        try {
            answers = pending.answers().get();
        } catch (ExecutionException e) {
            answers =
                    failAll(pending.rows(), "the batch failed: " + e.getCause().getMessage());
        }
        for (int i = 0; i < pending.rows().size(); i++) {
            JsonNode answer = answers.get(i);
            if (answer.has(ResultFiles.ERROR)) failed.incrementAndGet();
            results.write(pending.rows().get(i).number(), answer);
            done.incrementAndGet();
        }
    }

    /** The function's answers for these rows, one per row; rows that cannot be read are not sent. */
    private List<JsonNode> answer(List<InputRow> rows) throws Exception {
        List<InputRow> readable = new ArrayList<>(rows.size());
        for (InputRow row : rows) if (row.unreadable() == null) readable.add(row);
        List<JsonNode> sent = readable.isEmpty() ? List.of() : send(readable);
        List<JsonNode> answers = new ArrayList<>(rows.size());
        int next = 0;
        for (InputRow row : rows) {
            answers.add(row.unreadable() == null ? sent.get(next++) : error(row.unreadable()));
        }
        return answers;
    }

    private List<JsonNode> send(List<InputRow> rows) throws Exception {
        byte[] answer = invoker.invoke(BatchPayload.encode(rows, settings.model(), settings.version()));
        JsonNode json = JSON.readTree(answer);
        if (json.isArray() && json.size() == rows.size()) {
            List<JsonNode> answers = new ArrayList<>(rows.size());
            json.forEach(answers::add);
            return answers;
        }
        String message = json.has(ResultFiles.ERROR)
                ? json.get(ResultFiles.ERROR).asText()
                : "the function answered "
                        + (json.isArray()
                                ? json.size() + " results for " + rows.size() + " items"
                                : "no array of results");
        return failAll(rows, message);
    }

    private static List<JsonNode> failAll(List<InputRow> rows, String message) {
        List<JsonNode> answers = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) answers.add(error(message));
        return answers;
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put(ResultFiles.ERROR, message);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
