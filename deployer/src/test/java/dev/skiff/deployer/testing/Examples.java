package dev.skiff.deployer.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example model repository the examples module builds (surefire passes its path). */
public final class Examples {
    private Examples() {}

    public static Path models() {
        Path models = Path.of(System.getProperty("skiff.examples.models", "../examples/models"));
        assumeTrue(
                Files.isRegularFile(models.resolve("fraud/1/model.onnx")),
                "the example models are not built (" + models + "); build the examples module first");
        return models;
    }

    /** The fraud model trained again with another seed (the examples build writes it), so it answers otherwise. */
    public static Path retrainedFraud() {
        Path model = models().resolveSibling("target").resolve("fraud-retrained/model.onnx");
        assumeTrue(Files.isRegularFile(model), "the retrained fraud model is not built (" + model + ")");
        return model;
    }
}
