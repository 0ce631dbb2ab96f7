package dev.skiff.deployer.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.SerializedString;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The event one batch invokes the function with: the shape a Distributed Map child sends with
 * ItemBatcher, {@code {"Items": [...], "BatchInput": {"model_name": ..., "model_version": ...}}},
 * so a batch that passes locally passes on AWS. Rows go in one at a time as they are read, and, as
 * ItemBatcher's MaxInputBytesPerBatch, the event stops at a byte limit.
 */
public final class BatchPayload {
    private static final JsonFactory JSON = new JsonFactory(); // databind only for JSONL's values: see Databind
    private static final byte[] START = "{\"Items\":[".getBytes(StandardCharsets.US_ASCII);

    private final Bytes out;
    private final JsonGenerator g; // writes each item of names and values as a root value, flushed after it
    private final byte[] end; // ],"BatchInput":{...}}
    private final int maxBytes;
    private int items;
    private boolean full;
    private String[] names;
    private SerializedString[] quoted; // the names, JSON-quoted once: a CSV file's rows share them
    private byte[][] prefixes; // {"name0":" and ","nameI":" for plain CSV rows

    /** @param maxBytes the most the whole event may take */
    public BatchPayload(String model, String version, int maxBytes) {
        this.maxBytes = maxBytes;
        this.end = end(model, version);
        this.out = new Bytes(Math.min(maxBytes, 1 << 16));
        out.write(START, 0, START.length);
        try {
            this.g = JSON.createGenerator(out);
            g.setRootValueSeparator(null); // the commas between items are written here
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds one row as an item, unless the event would pass its byte limit: then it is left out, the
     * event takes no more, and the row goes into the next one.
     *
     * @param width how many of the names and values the row has
     * @return whether the row went in; never once a row did not
     */
    public boolean add(String[] names, Object[] values, int width) {
        if (full) return false;
        try {
            int before = out.size();
            if (items > 0) out.write(',');
            g.writeStartObject();
            if (names != this.names) {
                this.names = names;
                quoted = new SerializedString[names.length];
                prefixes = null;
            }
            for (int i = 0; i < width; i++) {
                if (quoted[i] == null) quoted[i] = new SerializedString(names[i]);
                g.writeFieldName(quoted[i]);
                if (values[i] instanceof String text) g.writeString(text); // every CSV value
                else g.setCodec(Databind.JSON).writeObject(values[i]); // a JSONL value: a number, a list, a map
            }
            g.writeEndObject();
            g.flush();
            return added(before);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a plain CSV line's values (ASCII, no quotes) under the names as an item, as {@link #add}
     * does, with the bytes copied as they are: only a backslash or a control character needs an
     * escape, and then the line's values go through Jackson's string quoting.
     */
    boolean add(String[] names, PlainCsvLines line) {
        if (full) return false;
        if (names != this.names || prefixes == null) {
            this.names = names;
            quoted = new SerializedString[names.length];
            prefixes = new byte[names.length][];
        }
        int before = out.size();
        if (items > 0) out.write(',');
        byte[] bytes = line.buffer();
        for (int i = 0; i < line.width(); i++) {
            if (prefixes[i] == null) prefixes[i] = prefix(names[i], i == 0);
            out.write(prefixes[i], 0, prefixes[i].length);
            int start = line.start(i), length = line.end(i) - start;
            if (line.escapes()) {
                byte[] escaped = JsonStringEncoder.getInstance()
                        .quoteAsUTF8(new String(bytes, start, length, StandardCharsets.US_ASCII));
                out.write(escaped, 0, escaped.length);
            } else {
                out.write(bytes, start, length);
            }
        }
        out.write('"');
        out.write('}');
        return added(before);
    }

    /** Keeps the item just written, unless it took the event past its limit. */
    private boolean added(int before) {
        if (out.size() + end.length > maxBytes) {
            out.truncate(before);
            full = true;
            return false;
        }
        items++;
        return true;
    }

    /** The item's bytes before a value: the object's start or the previous value's end, and the quoted name. */
    private static byte[] prefix(String name, boolean first) {
        byte[] quotedName = JsonStringEncoder.getInstance().quoteAsUTF8(name);
        byte[] before = (first ? "{\"" : "\",\"").getBytes(StandardCharsets.US_ASCII);
        byte[] prefix = Arrays.copyOf(before, before.length + quotedName.length + 3);
        System.arraycopy(quotedName, 0, prefix, before.length, quotedName.length);
        prefix[prefix.length - 3] = '"';
        prefix[prefix.length - 2] = ':';
        prefix[prefix.length - 1] = '"';
        return prefix;
    }

    /** The items added so far. */
    public int items() {
        return items;
    }

    /** The event's bytes; it takes no more rows after. */
    public byte[] finish() {
        full = true;
        out.write(end, 0, end.length);
        return out.toByteArray();
    }

    /** The event's closing bytes: the end of Items, and the BatchInput the state machine's ItemBatcher adds. */
    private static byte[] end(String model, String version) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("Items");
            g.writeEndArray();
            g.writeObjectFieldStart("BatchInput");
            g.writeStringField("model_name", model);
            if (version != null) g.writeStringField("model_version", version);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] event = bytes.toByteArray();
        return Arrays.copyOfRange(event, "{\"Items\":[".length(), event.length);
    }

    /** A byte array output, unsynchronized, that can drop what came after a mark. */
    private static final class Bytes extends OutputStream {
        private byte[] bytes;
        private int count;

        Bytes(int size) {
            bytes = new byte[size];
        }

        @Override
        public void write(int b) {
            if (count == bytes.length) bytes = Arrays.copyOf(bytes, count * 2);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(count + len, count * 2));
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }

        int size() {
            return count;
        }

        void truncate(int size) {
            count = size;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, count);
        }
    }
}
