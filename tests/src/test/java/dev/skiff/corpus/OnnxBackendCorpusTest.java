package dev.skiff.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ONNX project's backend test models (Debian package {@code libonnx-testdata}) with their
 * reference inputs and outputs, on raw ONNX Runtime Java and on both Skiff targets: every model
 * ONNX Runtime answers correctly must be served with the reference answer by both.
 *
 * <p>The test suite runs every 25th model; the whole corpus with {@code -Dskiff.corpus=full}
 * (README, "Model fidelity"). Requests go as JSON, and in the binary data extension's form where
 * JSON is over the payload limit; the sample sends every request in both forms. Without the
 * package the test is skipped and says so.
 */
class OnnxBackendCorpusTest {
    static final Path DATA = Path.of(System.getProperty("skiff.corpus.data", "/usr/share/libonnx-testdata/data"));
    static final int SAMPLE_EVERY = 25;

    @TempDir
    Path work;

    @Test
    void everyModelOnnxRuntimeAnswersIsServedAlikeByBothTargets() throws Exception {
        assumeTrue(
                Files.isDirectory(DATA),
                "the ONNX backend test models are not installed at " + DATA
                        + " (apt-get install libonnx-testdata, or -Dskiff.corpus.data=DIR)");
        List<BackendCase> all = BackendCase.scan(DATA);
        boolean full = "full".equals(System.getProperty("skiff.corpus"));
        List<BackendCase> cases = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) if (full || i % SAMPLE_EVERY == 0) cases.add(all.get(i));

        // the sample is small enough to send every request in both forms, JSON and binary
        CorpusRun run = new CorpusRun(cases, !full);
        run.run(work);
        String report = run.report();
        System.out.println("ONNX backend test corpus, " + DATA + (full ? "" : ", every " + SAMPLE_EVERY + "th model")
                + "\n" + report);
        Path written = Path.of("target", "onnx-backend-corpus.txt");
        Files.createDirectories(written.getParent());
        Files.writeString(written, report);

        assertTrue(run.count("onnxruntime", CorpusRun.Kind.CORRECT) > 0, "ONNX Runtime answered none: " + report);
        assertEquals(0, run.lost(CorpusRun.LAMBDA).size(), report);
        assertEquals(0, run.lost(CorpusRun.POOL).size(), report);
    }
}
