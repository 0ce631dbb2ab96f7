package dev.skiff.monitoring;

import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelVersion;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example models the examples module builds (fraud trained, minilm unpacked). */
final class ExampleModels {
    private ExampleModels() {}

    static Path root() {
        Path root = Path.of(System.getProperty("skiff.examples.models", "../examples/models"));
        if (!Files.isRegularFile(root.resolve("fraud/1/model.onnx"))) {
            throw new IllegalStateException(
                    "the example models are not built under " + root + " (build examples first)");
        }
        return root;
    }

    static ModelVersion load(String model) {
        Path dir = root().resolve(model);
        return ModelVersion.load(model, "1", dir.resolve("1"), ModelConfig.read(dir));
    }
}
