package dev.skiff.deployer.batch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A batch run's output directory, Batch Transform's way: {@code <input>.out} with one result per
 * input row, in input order (CSV: a header, then {@code row}, the pass-through keys, the outputs
 * and {@code error}; JSONL: the same as one object a line), {@code <input>.failed.csv} (row, key,
 * message) and {@code <input>.summary.json}.
 */
public final class ResultFiles implements Closeable {
    public static final String ROW = "row";
    public static final String ERROR = "error";
    // factories, not mappers: Jackson's databind would cost a fresh `skiff batch` process its class loading
    private static final JsonFactory JSON = new JsonFactory();
    private static final CsvFactory CSV = new CsvFactory();

    private final Path out, failedFile, summaryFile;
    private final BatchFormat format;
    private final BufferedWriter results;
    private final CsvGenerator failed;
    private CsvGenerator csvResults; // CSV: opened at the first scored row, whose fields make the header
    private List<String> columns;
    private final List<Map.Entry<Long, ItemAnswer>> waiting = new ArrayList<>(); // failed rows before the header
    private final JsonGenerator jsonl;

    public ResultFiles(Path directory, String inputName, BatchFormat format) throws IOException {
        Files.createDirectories(directory);
        this.format = format;
        this.out = directory.resolve(inputName + ".out");
        this.failedFile = directory.resolve(inputName + ".failed.csv");
        this.summaryFile = directory.resolve(inputName + ".summary.json");
        this.results = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        this.jsonl = format == BatchFormat.JSONL ? JSON.createGenerator(results).setRootValueSeparator(null) : null;
        CsvSchema failedSchema = CsvSchema.builder()
                .addColumn(ROW)
                .addColumn("key")
                .addColumn("message")
                .build()
                .withHeader();
        this.failed = CSV.createGenerator(Files.newBufferedWriter(failedFile, StandardCharsets.UTF_8));
        failed.setSchema(failedSchema);
    }

    public Path out() {
        return out;
    }

    public Path failedFile() {
        return failedFile;
    }

    public Path summaryFile() {
        return summaryFile;
    }

    /** One row's result, from a JSON tree; rows come in input order. */
    public void write(long row, JsonNode result) {
        write(row, ItemAnswer.of(result));
    }

    /** One row's result; rows come in input order. */
    public void write(long row, ItemAnswer result) {
        try {
            if (result.failed()) {
                failed.writeStartArray();
                failed.writeNumber(row);
                failed.writeString(key(result));
                failed.writeString(String.valueOf(result.get(ERROR)));
                failed.writeEndArray();
            }
            if (format == BatchFormat.JSONL) {
                jsonl.writeStartObject();
                jsonl.writeNumberField(ROW, row);
                for (int i = 0; i < result.names().length; i++) {
                    jsonl.writeFieldName(result.names()[i]);
                    String value = result.values()[i];
                    if (value == null) jsonl.writeNull();
                    else if (result.json()[i]) jsonl.writeRawValue(value);
                    else jsonl.writeString(value);
                }
                jsonl.writeEndObject();
                jsonl.writeRaw('\n');
            } else {
                writeCsv(row, result);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A failed row's key: its pass-through values, which are the fields beside its error. */
    private static String key(ItemAnswer result) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < result.names().length; i++) {
            if (result.names()[i].equals(ERROR)) continue;
            if (!key.isEmpty()) key.append(' ');
            key.append(result.names()[i]).append('=').append(text(result, i));
        }
        return key.toString();
    }

    /** A value as JsonNode.asText() gives it: "null" for null, nothing for an array or object. */
    private static String text(ItemAnswer result, int i) {
        String value = result.values()[i];
        if (value == null) return "null";
        if (result.json()[i] && (value.startsWith("[") || value.startsWith("{"))) return "";
        return value;
    }

    private void writeCsv(long row, ItemAnswer result) throws IOException {
        if (columns == null) {
            if (result.failed()) {
                waiting.add(Map.entry(row, result));
                return;
            }
            openCsv(List.of(result.names()));
            for (Map.Entry<Long, ItemAnswer> early : waiting) writeCells(early.getKey(), early.getValue());
            waiting.clear();
        }
        writeCells(row, result);
    }

    private void openCsv(List<String> firstScoredNames) throws IOException {
        columns = new ArrayList<>();
        columns.add(ROW);
        columns.addAll(firstScoredNames);
        columns.add(ERROR);
        CsvSchema.Builder schema = CsvSchema.builder();
        for (String column : columns) schema.addColumn(column);
        // a generator, not a SequenceWriter: that flushes the file after every row
        csvResults = CSV.createGenerator(results);
        csvResults.setSchema(schema.build().withHeader());
    }

    /** One CSV row: the row number, then each column's value (an output of shape [N, k] as its JSON array). */
    private void writeCells(long row, ItemAnswer result) throws IOException {
        csvResults.writeStartArray();
        csvResults.writeNumber(row);
        for (int c = 1; c < columns.size(); c++) {
            String value = result.get(columns.get(c));
            csvResults.writeString(value == null ? "" : value);
        }
        csvResults.writeEndArray();
    }

    public void writeSummary(BatchSummary summary, String model, String input) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(summaryFile.toFile(), JsonEncoding.UTF8)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("model", model);
            json.writeStringField("input", input);
            json.writeNumberField("items", summary.total());
            json.writeNumberField("succeeded", summary.succeeded());
            json.writeNumberField("failed", summary.failed());
            json.writeNumberField("failedPercentage", summary.failedPercentage());
            json.writeNumberField("toleratedFailurePercentage", summary.toleratedFailurePercentage());
            json.writeBooleanField("withinTolerance", summary.withinTolerance());
            json.writeNumberField("elapsedMillis", summary.elapsedMillis());
            json.writeStringField("results", out.getFileName().toString());
            json.writeStringField("failedItems", failedFile.getFileName().toString());
            json.writeEndObject();
        }
    }

    @Override
    public void close() throws IOException {
        if (format == BatchFormat.CSV && columns == null && !waiting.isEmpty()) { // every row failed
            openCsv(List.of());
            for (Map.Entry<Long, ItemAnswer> early : waiting) writeCells(early.getKey(), early.getValue());
        }
        if (csvResults != null) csvResults.close();
        if (jsonl != null) jsonl.close();
        results.close();
        failed.close();
    }
}
