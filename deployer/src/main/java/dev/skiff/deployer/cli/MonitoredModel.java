package dev.skiff.deployer.cli;

import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.ModelVersion;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What skiff baseline and drift share: where the model lives, which version, and its config. */
final class MonitoredModel {
    @Option(
            names = "--models",
            defaultValue = "models",
            paramLabel = "DIR",
            description =
                    "the model repository (<model>/config.json, <model>/<version>/model.onnx) (default: ${DEFAULT-VALUE})")
    Path models;

    @Option(
            names = "--model-version",
            paramLabel = "N",
            description = "the model version (default: the newest in the repository)")
    String version;

    Path directory(String model) {
        return models.resolve(model);
    }

    boolean exists(String model) {
        return Files.isDirectory(directory(model));
    }

    /** The model's config; null when the repository does not have the model (columns keep their tensor names). */
    ModelConfig config(String model) {
        if (!exists(model)) return null;
        try {
            return ModelConfig.read(directory(model));
        } catch (ModelLoadException e) {
            throw new UserError(e.getMessage());
        }
    }

    String version(String model) {
        if (version != null) return version;
        if (!exists(model)) return null;
        List<Path> versions = ModelRepository.versionDirectories(directory(model));
        if (versions.isEmpty()) return null;
        return versions.stream()
                .map(p -> p.getFileName().toString())
                .max((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)))
                .orElseThrow();
    }

    ModelVersion load(String model) {
        String chosen = version(model);
        if (chosen == null) {
            throw new UserError("no model '" + model + "' in " + models.toAbsolutePath() + " (" + model
                    + "/<version>/model.onnx); point --models at the repository, or pass --no-score");
        }
        Path dir = directory(model).resolve(chosen);
        if (!Files.isDirectory(dir))
            throw new UserError("model '" + model + "' has no version " + chosen + " in " + models);
        try {
            return ModelVersion.load(model, chosen, dir, ModelConfig.read(directory(model)));
        } catch (ModelLoadException e) {
            throw new UserError(e.getMessage());
        }
    }
}
