package dev.skiff.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.model.ModelRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The models of OnnxModelBuilder's documentation load as ONNX Runtime sessions. */
class OnnxModelBuilderTest {
    @TempDir
    Path root;

    @Test
    void theDocumentedModelsLoad() throws Exception {
        OnnxModelBuilder doubling = new OnnxModelBuilder()
                .input("x", OnnxModelBuilder.FLOAT, "n", 2)
                .output("y", OnnxModelBuilder.FLOAT, "n", 2)
                .node("Add", List.of("x", "x"), List.of("y"));
        Path file = doubling.writeTo(root.resolve("file/model.onnx"));
        assertArrayEquals(doubling.build(), Files.readAllBytes(file));

        Repositories.model(root.resolve("repo"), "double", 1, doubling, "{\"maxBatchSize\": 8}");
        Repositories.model(
                root.resolve("repo"),
                "lookup",
                1,
                new OnnxModelBuilder()
                        .input("i", OnnxModelBuilder.INT64, "n")
                        .output("y", OnnxModelBuilder.FLOAT, "n", 2)
                        .floatInitializer("table", 10, 2)
                        .node("Gather", List.of("table", "i"), List.of("y"), OnnxModelBuilder.intAttribute("axis", 0)),
                null);
        Repositories.model(
                root.resolve("repo"), "same", 1, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 4), null);
        try (ModelRepository models = ModelRepository.load(root.resolve("repo"), Set.of())) {
            assertEquals(
                    "[x FP32[-1, 2]]", models.model("double").latest().inputs().toString());
            assertEquals(
                    "[i INT64[-1]]", models.model("lookup").latest().inputs().toString());
            assertEquals(
                    "[y FP32[-1, 4]]", models.model("same").latest().outputs().toString());
        }
    }

    @Test
    void aDimensionIsANumberOrAName() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new OnnxModelBuilder().input("x", OnnxModelBuilder.FLOAT, 1, List.of(2)));
        assertTrue(e.getMessage().contains("x: a dimension is a number or a symbolic name, not [2]"), e.getMessage());
    }
}
