package dev.skiff.deployer.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = new CsvMapper();

    private final Path out, failedFile, summaryFile;
    private final BatchFormat format;
    private final BufferedWriter results;
    private final SequenceWriter failed;
    private SequenceWriter csvResults; // CSV: opened at the first scored row, whose fields make the header
    private List<String> columns;
    private final List<Map.Entry<Long, JsonNode>> waiting = new ArrayList<>(); // failed rows before the header
    private final JsonGenerator jsonl;

    public ResultFiles(Path directory, String inputName, BatchFormat format) throws IOException {
        Files.createDirectories(directory);
        this.format = format;
        this.out = directory.resolve(inputName + ".out");
        this.failedFile = directory.resolve(inputName + ".failed.csv");
        this.summaryFile = directory.resolve(inputName + ".summary.json");
        this.results = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        this.jsonl = format == BatchFormat.JSONL
                ? JSON.getFactory().createGenerator(results).setCodec(JSON).setRootValueSeparator(null)
                : null;
        CsvSchema failedSchema = CsvSchema.builder()
                .addColumn(ROW)
                .addColumn("key")
                .addColumn("message")
                .build()
                .withHeader();
        this.failed = CSV.writer(failedSchema).writeValues(Files.newBufferedWriter(failedFile, StandardCharsets.UTF_8));
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

    /** One row's result; rows come in input order. */
    public void write(long row, JsonNode result) {
        try {
            if (result.has(ERROR))
                failed.write(List.of(row, key(result), result.get(ERROR).asText()));
            if (format == BatchFormat.JSONL) {
                jsonl.writeStartObject();
                jsonl.writeNumberField(ROW, row);
                for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    jsonl.writeFieldName(field.getKey());
                    jsonl.writeTree(field.getValue());
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
    private static String key(JsonNode result) {
        StringBuilder key = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(ERROR)) continue;
            if (!key.isEmpty()) key.append(' ');
            key.append(field.getKey()).append('=').append(field.getValue().asText());
        }
        return key.toString();
    }

    private void writeCsv(long row, JsonNode result) throws IOException {
        if (columns == null) {
            if (result.has(ERROR)) {
                waiting.add(Map.entry(row, result));
                return;
            }
            openCsv(result);
            for (Map.Entry<Long, JsonNode> early : waiting) csvResults.write(cells(early.getKey(), early.getValue()));
            waiting.clear();
        }
        csvResults.write(cells(row, result));
    }

    private void openCsv(JsonNode firstScored) throws IOException {
        columns = new ArrayList<>();
        columns.add(ROW);
        firstScored.fieldNames().forEachRemaining(columns::add);
        columns.add(ERROR);
        CsvSchema.Builder schema = CsvSchema.builder();
        for (String column : columns) schema.addColumn(column);
        csvResults = CSV.writer(schema.build().withHeader()).writeValues(results);
    }

    private List<Object> cells(long row, JsonNode result) {
        List<Object> cells = new ArrayList<>(columns.size());
        cells.add(row);
        for (String column : columns.subList(1, columns.size())) {
            JsonNode value = result.get(column);
            if (value == null || value.isNull()) cells.add("");
            else if (value.isArray()) cells.add(value.toString()); // [N, k] outputs: one JSON array a cell
            else cells.add(value.asText());
        }
        return cells;
    }

    public void writeSummary(BatchSummary summary, String model, String input) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("model", model);
        json.put("input", input);
        json.put("items", summary.total());
        json.put("succeeded", summary.succeeded());
        json.put("failed", summary.failed());
        json.put("failedPercentage", summary.failedPercentage());
        json.put("toleratedFailurePercentage", summary.toleratedFailurePercentage());
        json.put("withinTolerance", summary.withinTolerance());
        json.put("elapsedMillis", summary.elapsedMillis());
        json.put("results", out.getFileName().toString());
        json.put("failedItems", failedFile.getFileName().toString());
        JSON.writerWithDefaultPrettyPrinter().writeValue(summaryFile.toFile(), json);
    }

    @Override
    public void close() throws IOException {
        if (format == BatchFormat.CSV && columns == null && !waiting.isEmpty()) { // every row failed
            columns = List.of(ROW, ERROR);
            CsvSchema schema =
                    CsvSchema.builder().addColumn(ROW).addColumn(ERROR).build().withHeader();
            csvResults = CSV.writer(schema).writeValues(results);
            for (Map.Entry<Long, JsonNode> early : waiting) csvResults.write(cells(early.getKey(), early.getValue()));
        }
        if (csvResults != null) csvResults.close();
        if (jsonl != null) jsonl.close();
        results.close();
        failed.close();
    }
}
