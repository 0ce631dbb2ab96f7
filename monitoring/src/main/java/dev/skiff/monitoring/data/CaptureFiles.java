package dev.skiff.monitoring.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.capture.CaptureRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Capture records (docs/model-repository.md, "Capture records") as a dataset: each row of each
 * captured input tensor is an input row, with its outputs beside it. Reads what the emulator
 * writes (JSONL, one record a line) and what Firehose delivers from a CloudWatch Logs
 * subscription (gzip files of concatenated {@code {"logEvents":[{"message": ...}]}} objects);
 * records of other models, versions or outside the window are skipped.
 */
public final class CaptureFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which records count: a model (null: any), a version (null: any), a time window (null: all). */
    public record Filter(String model, String version, Instant since) {
        public static final Filter ALL = new Filter(null, null, null);

        boolean accepts(JsonNode record) {
            if (model != null && !model.equals(record.path("model").asText())) return false;
            if (version != null && !version.equals(record.path("modelVersion").asText())) return false;
            if (since == null) return true;
            try {
                return !Instant.parse(record.path("eventMetadata")
                                .path("inferenceTime")
                                .asText())
                        .isBefore(since);
            } catch (DateTimeParseException e) {
                return false; // no time: cannot be placed in the window
            }
        }
    }

    private final TensorColumns columns;
    private final Filter filter;
    private final Dataset dataset = new Dataset();
    private int records;

    public CaptureFiles(ColumnNames names, Filter filter) {
        this.columns = new TensorColumns(names);
        this.filter = filter;
    }

    /** Every capture record in the files under {@code directory}, as one dataset. */
    public static Dataset read(Path directory, ColumnNames names, Filter filter) throws IOException {
        if (!Files.isDirectory(directory)) throw new IllegalArgumentException("no capture directory " + directory);
        CaptureFiles reader = new CaptureFiles(names, filter);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                reader.add(file.toString(), in);
            }
        }
        if (reader.records == 0) {
            throw new IllegalArgumentException("no capture records"
                    + (filter.model() == null
                            ? ""
                            : " of model '" + filter.model() + "'"
                                    + (filter.version() == null ? "" : " version " + filter.version()))
                    + (filter.since() == null ? "" : " since " + filter.since()) + " under " + directory
                    + " (capture lines start with " + CaptureRecord.LINE_PREFIX + ")");
        }
        return reader.dataset();
    }

    public Dataset dataset() {
        return dataset;
    }

    public int records() {
        return records;
    }

    /** Adds the capture records of one file (plain or gzip); other JSON values and lines are skipped. */
    public void add(String source, InputStream raw) throws IOException {
        InputStream in = raw.markSupported() ? raw : new java.io.BufferedInputStream(raw);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        if (gzip) in = new GZIPInputStream(in);
        try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(in)) {
            while (values.hasNextValue()) {
                JsonNode value = values.nextValue();
                if (value.has(CaptureRecord.MARKER_FIELD)) {
                    addRecord(value);
                } else if (value.has("logEvents")) { // a CloudWatch Logs subscription's envelope
                    for (JsonNode event : value.get("logEvents")) {
                        String message = event.path("message").asText("");
                        if (CaptureRecord.isCaptureLine(message)) addRecord(JSON.readTree(message));
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + " holds a line that is not JSON: " + e.getOriginalMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void addRecord(JsonNode record) {
        if (!filter.accepts(record)) return;
        JsonNode data = record.path("captureData");
        List<TensorColumns.Values> inputs =
                tensors(data.path("endpointInput").path("data").path("inputs"));
        List<TensorColumns.Values> outputs =
                tensors(data.path("endpointOutput").path("data").path("outputs"));
        int rows = 0;
        for (TensorColumns.Values t : inputs) rows = Math.max(rows, t.rows());
        for (TensorColumns.Values t : outputs) rows = Math.max(rows, t.rows());
        for (int row = 0; row < rows; row++) {
            for (TensorColumns.Values t : inputs)
                if (t.rows() == rows) columns.put(dataset, Dataset.Role.INPUT, t, row);
            for (TensorColumns.Values t : outputs)
                if (t.rows() == rows) columns.put(dataset, Dataset.Role.OUTPUT, t, row);
            dataset.endRow();
        }
        records++;
    }

    private static List<TensorColumns.Values> tensors(JsonNode array) {
        List<TensorColumns.Values> tensors = new ArrayList<>();
        for (JsonNode tensor : array) tensors.add(TensorColumns.fromJson(tensor));
        return tensors;
    }
}
