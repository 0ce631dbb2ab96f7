package dev.skiff.gpu.observability;

import java.io.PrintStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pool's capture lines, written by one background thread to stdout (the awslogs driver ships
 * them to the pool's log group), so a request never waits on the write. When the queue is full
 * a record is dropped and counted rather than slowing requests down.
 */
public final class CaptureLog implements AutoCloseable {
    static final int CAPACITY = 10_000;

    private final PrintStream out;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    public CaptureLog(PrintStream out) {
        this.out = out;
        this.writer = Thread.ofPlatform().daemon().name("capture-log").start(this::writeLines);
    }

    /** Queues a line; false (and counted) when the queue is full. */
    public boolean offer(String line) {
        if (queue.offer(line)) return true;
        dropped.incrementAndGet();
        return false;
    }

    public long dropped() {
        return dropped.get();
    }

    private void writeLines() {
        try {
            while (!closed || !queue.isEmpty()) {
                String line = queue.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) out.println(line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
