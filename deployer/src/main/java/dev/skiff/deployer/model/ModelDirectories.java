package dev.skiff.deployer.model;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.OnnxModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Finds models from what a command line names: model directories, or repositories that hold them. */
public final class ModelDirectories {
    private ModelDirectories() {}

    /** Each path is a model ({@code <name>/<version>/model.onnx}) or a repository of models. */
    public static List<ModelDirectory> find(List<Path> paths) {
        Map<String, ModelDirectory> models = new LinkedHashMap<>();
        for (Path path : paths) {
            if (!Files.isDirectory(path)) {
                throw new UserError(path + " is not a directory; name a model directory (<name>/<version>/model.onnx) "
                        + "or a repository of them, e.g. examples/models");
            }
            List<Path> found = isModel(path)
                    ? List.of(path)
                    : children(path).stream().filter(ModelDirectories::isModel).toList();
            if (found.isEmpty()) {
                throw new UserError("no model in " + path
                        + ": a model directory holds <version>/model.onnx, e.g. fraud/1/model.onnx");
            }
            for (Path dir : found) {
                ModelDirectory model = read(dir);
                ModelDirectory clash = models.put(model.name(), model);
                if (clash != null && !clash.directory().equals(model.directory())) {
                    throw new UserError("two models are named '" + model.name() + "': " + clash.directory() + " and "
                            + model.directory() + "; model names must be unique");
                }
            }
        }
        return List.copyOf(models.values());
    }

    public static ModelDirectory read(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        String name = absolute.getFileName().toString();
        ModelConfig config;
        try {
            config = ModelConfig.read(absolute);
        } catch (ModelLoadException e) {
            throw new UserError(e.getMessage());
        }
        List<String> versions = new ArrayList<>();
        for (Path child : children(absolute)) {
            String version = child.getFileName().toString();
            if (ModelRepository.isVersion(version) && Files.isRegularFile(child.resolve(OnnxModel.MODEL_FILE))) {
                versions.add(version);
            }
        }
        if (versions.isEmpty())
            throw new UserError("model '" + name + "' has no <version>/model.onnx under " + absolute);
        versions.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        return new ModelDirectory(name, absolute, config, List.copyOf(versions));
    }

    static boolean isModel(Path dir) {
        return children(dir).stream()
                .anyMatch(child -> ModelRepository.isVersion(child.getFileName().toString())
                        && Files.isRegularFile(child.resolve(OnnxModel.MODEL_FILE)));
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UserError("cannot list " + dir + ": " + e.getMessage());
        }
    }
}
