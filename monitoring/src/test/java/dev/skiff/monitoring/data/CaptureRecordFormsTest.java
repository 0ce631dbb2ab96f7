package dev.skiff.monitoring.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.runtime.capture.CaptureRecord;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The function writes a record's data either as the bodies it already has (the request as
 * received, the answer as written) or from the tensors; the reader gets the same row from both.
 */
class CaptureRecordFormsTest {
    static final InferRequest REQUEST = new InferRequest(
            "r1",
            Map.of(),
            List.of(Tensor.ofFloats("features", new long[] {1, 3}, new float[] {1.5f, 2, 3})),
            List.of(),
            false);
    static final InferResponse RESPONSE = new InferResponse(
            "fraud",
            "1",
            "r1",
            List.of(
                    Tensor.strings("label", new long[] {1}, new String[] {"legit"}),
                    Tensor.ofFloats("probability", new long[] {1}, new float[] {0.75f})),
            false);
    /** As a client may send it: pretty-printed, nested rows, integers. */
    static final byte[] BODY = """
            {"id": "r1",
             "inputs": [{"name": "features", "shape": [1, 3], "datatype": "FP32", "data": [[1.5, 2, 3]]}]}
            """.getBytes(StandardCharsets.UTF_8);

    @Test
    void theBodiesAsTheyAreAndTheTensorsReadAsTheSameRow(@TempDir Path dir) throws IOException {
        ModelConfig.Capture both = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of());
        Instant time = Instant.parse("2026-12-06T20:00:00Z");
        byte[] asSent = CaptureRecord.line(
                both, Target.LAMBDA, REQUEST, BODY, RESPONSE, ResponseWriter.infer(RESPONSE), "e1", time);
        byte[] fromTensors = CaptureRecord.line(both, Target.LAMBDA, REQUEST, null, RESPONSE, null, "e2", time);
        Files.write(dir.resolve("a.jsonl"), (new String(asSent, StandardCharsets.UTF_8) + "\n").getBytes());
        Files.write(dir.resolve("b.jsonl"), (new String(fromTensors, StandardCharsets.UTF_8) + "\n").getBytes());

        Dataset data = CaptureFiles.read(dir, ColumnNames.NONE, CaptureFiles.Filter.ALL);
        assertEquals(2, data.rows());
        for (Dataset.Column column : data.columns()) {
            assertEquals(2, column.values().size(), column.name());
            assertEquals(column.values().get(1), column.values().get(0), column.name());
        }
        assertEquals(5, data.columns().size(), "3 input columns, label, probability: " + data.columns());
    }
}
