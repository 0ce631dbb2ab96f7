package dev.skiff.runtime.capture;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The bytes of one capture record as it is written: appends without ByteArrayOutputStream's lock
 * per call, and line breaks blanked in place. Under Lambda's C1-only JIT, a record written through
 * ByteArrayOutputStream's synchronized writes, one per line of a pretty-printed body, cost about
 * a third of the record (tests/BENCHMARKS.md §1b). A Jackson generator may still write into it.
 */
final class RecordBuffer extends ByteArrayOutputStream {
    /** A buffer larger than this after a record (a record of a large body) is not kept for the next. */
    private static final int KEPT_BYTES = 64 * 1024;

    /** Each thread's buffer, reused record after record: a new one cost a fifth of a record's time (zeroing). */
    private static final ThreadLocal<RecordBuffer> OF_THREAD = ThreadLocal.withInitial(() -> new RecordBuffer(2048));

    RecordBuffer(int size) {
        super(size);
    }

    /** This thread's buffer, empty; a virtual thread (the pool's, one per request) gets a buffer of its own. */
    static RecordBuffer ofThisThread() {
        if (Thread.currentThread().isVirtual()) return new RecordBuffer(2048);
        RecordBuffer buffer = OF_THREAD.get();
        buffer.reset();
        return buffer;
    }

    /** The bytes written so far: the first {@link #size()} of them, valid until the thread's next record. */
    byte[] bytes() {
        return buf;
    }

    /** After a record: a buffer that grew past what records usually need (a large body) is not kept. */
    void release() {
        if (buf.length > KEPT_BYTES) OF_THREAD.remove();
    }

    void append(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buf, count, bytes.length);
        count += bytes.length;
    }

    void append(char c) {
        room(1);
        buf[count++] = (byte) c;
    }

    /** JSON text on one line: its CR and LF bytes become spaces, which valid JSON has only between tokens. */
    void appendOnOneLine(byte[] json) {
        int from = count;
        append(json);
        byte[] b = buf;
        for (int i = from, end = count; i < end; i++) {
            // one comparison for nearly every byte: JSON's bytes up to CR are whitespace (or UTF-8's, negative)
            if (b[i] <= '\r' && (b[i] == '\n' || b[i] == '\r')) b[i] = ' ';
        }
    }

    /** A string's JSON text without its quotes: printable ASCII as it is, anything else escaped by Jackson. */
    void appendString(String text) {
        int length = text.length();
        room(length);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                append(JsonStringEncoder.getInstance().quoteAsUTF8(text)); // from count: the copied chars are dropped
                return;
            }
            buf[count + i] = (byte) c;
        }
        count += length;
    }

    private void room(int more) {
        if (count + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
    }
}
