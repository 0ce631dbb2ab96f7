package dev.skiff.runtime.model;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models a process serves, loaded from {@code models/<name>/<version>/model.onnx}
 * (docs/model-repository.md).
 */
public final class ModelRepository implements AutoCloseable {
    private final Path root;
    private final Map<String, Model> models;

    private ModelRepository(Path root, Map<String, Model> models) {
        this.root = root;
        this.models = models;
    }

    /**
     * The repository as the environment names it: {@code $SKIFF_MODEL_REPOSITORY}, else
     * {@code $LAMBDA_TASK_ROOT/models}, else {@code ./models}; only {@code $SKIFF_MODELS} when set.
     */
    public static ModelRepository fromEnvironment() {
        String configured = System.getenv("SKIFF_MODEL_REPOSITORY");
        String taskRoot = System.getenv("LAMBDA_TASK_ROOT");
        Path root = configured != null ? Path.of(configured) : taskRoot != null ? Path.of(taskRoot, "models") : Path.of("models");
        String only = System.getenv("SKIFF_MODELS");
        Set<String> names = new java.util.HashSet<>();
        if (only != null) {
            for (String name : only.split(",")) if (!name.isBlank()) names.add(name.strip());
        }
        return load(root, names);
    }

    /** Loads every model under root (or only those named), every version of each. */
    public static ModelRepository load(Path root, Set<String> only) {
        if (!Files.isDirectory(root)) {
            throw new ModelLoadException("the model repository " + root.toAbsolutePath() + " is not a directory; set "
                    + "SKIFF_MODEL_REPOSITORY or package models under models/");
        }
        Map<String, Model> models = new LinkedHashMap<>();
        try {
            for (Path modelDir : sortedChildren(root)) {
                String name = modelDir.getFileName().toString();
                if (!only.isEmpty() && !only.contains(name)) continue;
                models.put(name, loadModel(name, modelDir));
            }
        } catch (RuntimeException e) {
            models.values().forEach(Model::close);
            throw e;
        }
        for (String wanted : only) {
            if (!models.containsKey(wanted)) {
                throw new ModelLoadException("model '" + wanted + "' (named in SKIFF_MODELS) is not in " + root.toAbsolutePath());
            }
        }
        if (models.isEmpty()) throw new ModelLoadException("no models in " + root.toAbsolutePath());
        return new ModelRepository(root, models);
    }

    private static Model loadModel(String name, Path modelDir) {
        ModelConfig config = ModelConfig.read(modelDir);
        Model model = new Model(name, config);
        try {
            for (Path versionDir : sortedChildren(modelDir)) {
                String version = versionDir.getFileName().toString();
                if (!isVersion(version)) continue;
                model.put(Long.parseLong(version), ModelVersion.load(name, version, versionDir, config));
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        if (model.latest() == null) {
            throw new ModelLoadException("model '" + name + "' has no version directories (" + modelDir
                    + "/<number>/model.onnx)");
        }
        return model;
    }

    public static boolean isVersion(String name) {
        if (name.isEmpty() || name.length() > 18) return false;
        for (int i = 0; i < name.length(); i++) if (!Character.isDigit(name.charAt(i))) return false;
        return Long.parseLong(name) > 0;
    }

    // a plain loop, not a Stream: at init, every class the stream machinery loads is cold-start time
    private static List<Path> sortedChildren(Path dir) {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) if (Files.isDirectory(entry)) children.add(entry);
            java.util.Collections.sort(children);
            return children;
        } catch (IOException e) {
            throw new ModelLoadException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path root() { return root; }

    public Model model(String name) {
        return models.get(name);
    }

    public Collection<Model> models() {
        return models.values();
    }

    @Override
    public void close() {
        models.values().forEach(Model::close);
    }
}
