package dev.skiff.deployer.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The event one batch invokes the function with: the shape a Distributed Map child sends with
 * ItemBatcher, {@code {"Items": [...], "BatchInput": {"model_name": ..., "model_version": ...}}},
 * so a batch that passes locally passes on AWS. Rows go in one at a time as they are read, and, as
 * ItemBatcher's MaxInputBytesPerBatch, the event stops at a byte limit.
 */
public final class BatchPayload {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Bytes out;
    private final JsonGenerator g;
    private final byte[] end; // ],"BatchInput":{...}}
    private final int maxBytes;
    private int items;
    private boolean full;
    private String[] names;
    private SerializedString[] quoted; // the names, JSON-quoted once: a CSV file's rows share them

    /** @param maxBytes the most the whole event may take */
    public BatchPayload(String model, String version, int maxBytes) {
        this.maxBytes = maxBytes;
        this.end = end(model, version);
        this.out = new Bytes(Math.min(maxBytes, 1 << 16));
        try {
            this.g = JSON.getFactory().createGenerator(out);
            g.writeStartObject();
            g.writeArrayFieldStart("Items");
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
            int before = size();
            g.writeStartObject();
            if (names != this.names) {
                this.names = names;
                quoted = new SerializedString[names.length];
            }
            for (int i = 0; i < width; i++) {
                if (quoted[i] == null) quoted[i] = new SerializedString(names[i]);
                g.writeFieldName(quoted[i]);
                if (values[i] instanceof String text) g.writeString(text); // every CSV value
                else g.writeObject(values[i]);
            }
            g.writeEndObject();
            if (size() + end.length > maxBytes) {
                g.flush();
                out.truncate(before);
                full = true;
                return false;
            }
            items++;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The items added so far. */
    public int items() {
        return items;
    }

    /** The event's bytes; it takes no more rows after. */
    public byte[] finish() {
        try {
            g.flush();
            full = true;
            out.write(end);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int size() {
        return out.size() + g.getOutputBuffered();
    }

    /** The event's closing bytes: the end of Items, and the BatchInput the state machine's ItemBatcher adds. */
    private static byte[] end(String model, String version) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes)) {
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

    /** A byte array output that can drop what came after a mark. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) {
            super(size);
        }

        void truncate(int size) {
            count = size;
        }
    }
}
