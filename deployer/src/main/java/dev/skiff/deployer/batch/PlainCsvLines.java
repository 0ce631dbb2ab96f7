package dev.skiff.deployer.batch;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a CSV file's lines as bytes while they are plain: ASCII with no quote character, so a line
 * is a row and a comma ends a value, exactly as Jackson's CsvParser reads them. The values stay
 * bytes in the buffer, from where {@link BatchPayload} copies them into the event; a line that is
 * not plain (a quote, a byte beyond ASCII) is {@link Line#OTHER}, and its reader hands the rest of
 * the file, from {@link #lineOffset()}, to Jackson's CsvParser.
 *
 * <p>Why by hand: Jackson's CsvParser decodes every char and makes a String per value, and the
 * event then encodes it back; {@code InputRows.Csv} gives the figures.
 */
final class PlainCsvLines implements Closeable {
    enum Line {
        /** a row, its values between {@link #start} and {@link #end} in {@link #buffer()} */
        PLAIN,
        /** a line this reader does not read; nothing of it is consumed */
        OTHER,
        END
    }

    private final InputStream in;
    private byte[] buffer = new byte[1 << 16];
    private int position, limit; // the unread bytes: buffer[position, limit)
    private long bufferOffset; // the file offset of buffer[0]
    private boolean eof, skipLineFeed; // skipLineFeed: the last line ended with \r, so a \n next is part of it
    private long lineOffset;
    private int[] starts = new int[16], ends = new int[16];
    private int width;
    private boolean escapes; // the line has a byte a JSON string escapes: a backslash or a control character

    PlainCsvLines(InputStream in) {
        this.in = in;
    }

    /** Reads the next line: a row of values, a line to read otherwise, or the end of the file. */
    Line next() throws IOException {
        if (skipLineFeed) {
            if (position == limit) fill();
            if (position < limit && buffer[position] == '\n') position++;
            skipLineFeed = false;
        }
        if (position == limit && fill() == 0) return Line.END;
        lineOffset = bufferOffset + position;
        width = 0;
        escapes = false;
        int start = position;
        for (int i = position; ; i++) {
            if (i == limit) {
                int shift = position;
                boolean more = fill() > 0;
                shift -= position; // fill moved the unread bytes to the front
                i -= shift;
                start -= shift;
                for (int v = 0; v < width; v++) {
                    starts[v] -= shift;
                    ends[v] -= shift;
                }
                if (!more) { // the last line, without its line feed
                    addValue(start, i);
                    position = i;
                    return Line.PLAIN;
                }
            }
            byte b = buffer[i];
            if (b >= 0x20 && b != '"' && b != ',' && b != '\\') continue;
            if (b == ',') {
                addValue(start, i);
                start = i + 1;
            } else if (b == '\n' || b == '\r') {
                addValue(start, i);
                position = i + 1;
                skipLineFeed = b == '\r';
                return Line.PLAIN;
            } else if (b == '"' || b < 0) {
                width = 0;
                return Line.OTHER;
            } else {
                escapes = true; // a backslash or another control character
            }
        }
    }

    /** The file offset where the line {@link #next} read starts. */
    long lineOffset() {
        return lineOffset;
    }

    int width() {
        return width;
    }

    byte[] buffer() {
        return buffer;
    }

    int start(int value) {
        return starts[value];
    }

    int end(int value) {
        return ends[value];
    }

    /** Whether a value of the line holds a byte that JSON escapes. */
    boolean escapes() {
        return escapes;
    }

    private void addValue(int start, int end) {
        if (width == starts.length) {
            starts = Arrays.copyOf(starts, width * 2);
            ends = Arrays.copyOf(ends, width * 2);
        }
        starts[width] = start;
        ends[width++] = end;
    }

    /**
     * Reads more bytes after the unread ones, first moving those to the front (or growing the
     * buffer for a line longer than it); returns how many came, 0 at the end of the file.
     */
    private int fill() throws IOException {
        if (eof) return 0;
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            bufferOffset += position;
            limit -= position;
            position = 0;
        }
        if (limit == buffer.length) buffer = Arrays.copyOf(buffer, buffer.length * 2);
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n <= 0) {
            eof = true;
            return 0;
        }
        limit += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
