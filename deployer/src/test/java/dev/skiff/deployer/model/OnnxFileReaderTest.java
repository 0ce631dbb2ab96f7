package dev.skiff.deployer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.testing.Examples;
import dev.skiff.deployer.testing.GeneratedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class OnnxFileReaderTest {
    @TempDir
    Path dir;

    @Test
    void countsInitializerBytesAndOperatorsWithoutLoadingTheModel() throws Exception {
        Path model = GeneratedModels.slowMatMulChain(dir, "chain", null);
        OnnxGraphSummary summary = OnnxFileReader.read(model.resolve("1/model.onnx"));
        assertEquals(4, summary.initializerCount());
        assertEquals(4L * 512 * 512, summary.parameterCount());
        assertEquals(4L * 512 * 512 * 4, summary.parameterBytes());
        assertEquals(4, summary.operators().get("MatMul"));
        assertEquals(17L, summary.opsets().get(""));
    }

    @Test
    void readsTheExampleMiniLmModel() throws Exception {
        OnnxGraphSummary summary = OnnxFileReader.read(Examples.models().resolve("minilm/1/model.onnx"));
        // a quantized all-MiniLM-L6-v2: about 22.6M parameters, nearly all of the 22 MB file
        assertTrue(summary.parameterCount() > 20_000_000, "parameters: " + summary.parameterCount());
        assertTrue(summary.operators().containsKey("MatMulInteger"), "operators: " + summary.operators());
    }
}
