package dev.skiff.runtime.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes model repositories of generated models for tests. */
public final class Repositories {
    private Repositories() {}

    /**
     * Writes {@code <root>/<name>/<version>/model.onnx}, and {@code <root>/<name>/config.json} when
     * configJson is not null: a model repository folder as Skiff loads one.
     *
     * @return root, so that several models chain into one repository
     */
    public static Path model(Path root, String name, int version, OnnxModelBuilder model, String configJson)
            throws IOException {
        model.writeTo(root.resolve(name).resolve(Integer.toString(version)).resolve("model.onnx"));
        if (configJson != null) Files.writeString(root.resolve(name).resolve("config.json"), configJson);
        return root;
    }
}
