package dev.skiff.deployer.testing;

import static dev.skiff.runtime.testing.OnnxModelBuilder.FLOAT;

import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Models that trip the plan's rules, built with function-runtime's OnnxModelBuilder. */
public final class GeneratedModels {
    private GeneratedModels() {}

    /** y = x + w: a tiny graph whose weights take {@code weightFloats * 4} bytes. */
    public static Path heavyWeights(Path root, String name, int weightFloats, String config) throws IOException {
        OnnxModelBuilder model = new OnnxModelBuilder()
                .input("x", FLOAT, "batch", weightFloats)
                .output("y", FLOAT, "batch", weightFloats)
                .floatInitializer("w", weightFloats)
                .node("Add", List.of("x", "w"), List.of("y"));
        Repositories.model(root, name, 1, model, config);
        return root.resolve(name);
    }

    /**
     * Four chained [512 x 512] MatMuls over a [512 x 512] input: about a GFLOP per row, so tens of
     * milliseconds for one row on any CPU, while the file holds only 4 MB of weights.
     */
    public static Path slowMatMulChain(Path root, String name, String config) throws IOException {
        OnnxModelBuilder model =
                new OnnxModelBuilder().input("x", FLOAT, "batch", 512, 512).output("y", FLOAT, "batch", 512, 512);
        String previous = "x";
        for (int i = 0; i < 4; i++) {
            String out = i == 3 ? "y" : "h" + i;
            model.floatInitializer("w" + i, 512, 512).node("MatMul", List.of(previous, "w" + i), List.of(out));
            previous = out;
        }
        Repositories.model(root, name, 1, model, config);
        return root.resolve(name);
    }

    /** y = x for [batch, 4] floats: the smallest servable model. */
    public static Path identity(Path root, String name, String config) throws IOException {
        Repositories.model(root, name, 1, OnnxModelBuilder.identity(FLOAT, "batch", 4), config);
        return root.resolve(name);
    }
}
