package dev.skiff.gpu.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/** The pool's capture log: every queued line written by its own thread, a full queue drops instead of blocking. */
class CaptureLogTest {

    @Test
    void everyQueuedLineIsWrittenByClose() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CaptureLog log = new CaptureLog(new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            for (int i = 0; i < 1_000; i++) log.offer("{\"n\":" + i + "}");
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1_000, lines.length);
        assertEquals("{\"n\":999}", lines[999]);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingTheRequest() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                try {
                    release.await(); // a log destination that does not keep up
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        CaptureLog log = new CaptureLog(new PrintStream(stuck, true, StandardCharsets.UTF_8));
        int accepted = 0;
        for (int i = 0; i < CaptureLog.CAPACITY + 100; i++) if (log.offer("x")) accepted++;
        assertFalse(log.dropped() == 0, "the overflow was dropped");
        assertEquals(CaptureLog.CAPACITY + 100, accepted + log.dropped());
        release.countDown();
        log.close();
    }
}
