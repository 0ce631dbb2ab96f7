package dev.skiff.runtime.model;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The models a process serves, loaded from {@code models/<name>/<version>/model.onnx}
 * (docs/model-repository.md), and the one reading of that layout: which model and version
 * directories there are, and what is wrong when there are none. A Lambda function loads its
 * repository once ({@link #load}); the GPU pool starts from {@link #live} and adds and removes
 * versions while it serves.
 */
public final class ModelRepository implements AutoCloseable {
    private final Path root;
    // sorted by name; concurrent so that a live repository changes under readers without a lock
    private final ConcurrentSkipListMap<String, Model> models = new ConcurrentSkipListMap<>();
    // model -> why it is not served: one bad model never takes down the others
    private final ConcurrentSkipListMap<String, String> failures = new ConcurrentSkipListMap<>();

    private ModelRepository(Path root) {
        this.root = root;
    }

    /**
     * The repository as the environment names it: {@code $SKIFF_MODEL_REPOSITORY}, else
     * {@code $LAMBDA_TASK_ROOT/models}, else {@code ./models}; only {@code $SKIFF_MODELS} when set.
     */
    public static ModelRepository fromEnvironment() {
        String configured = System.getenv("SKIFF_MODEL_REPOSITORY");
        String taskRoot = System.getenv("LAMBDA_TASK_ROOT");
        Path root = configured != null
                ? Path.of(configured)
                : taskRoot != null ? Path.of(taskRoot, "models") : Path.of("models");
        String only = System.getenv("SKIFF_MODELS");
        Set<String> names = new java.util.HashSet<>();
        if (only != null) {
            for (String name : only.split(",")) if (!name.isBlank()) names.add(name.strip());
        }
        return load(root, names);
    }

    /**
     * Loads every model under root (or only those named), every version of each. A model that does
     * not load is logged and kept with its reason ({@link #failure}); the others serve. The policy of
     * the function's init, for all its handlers: serve the models that load, fail only when none does.
     *
     * @throws ModelLoadException when the layout is wrong or no model loads; nothing is left open then
     */
    public static ModelRepository load(Path root, Set<String> only) {
        ModelRepository repository = new ModelRepository(root);
        List<RuntimeException> failed = new ArrayList<>();
        for (Path modelDir : modelDirectories(root, only)) {
            String name = modelDir.getFileName().toString();
            try {
                repository.models.put(name, loadModel(name, modelDir));
            } catch (RuntimeException e) {
                failed.add(e);
                repository.fail(name, e.getMessage());
            }
        }
        if (repository.models.isEmpty()) {
            RuntimeException first = failed.get(0);
            if (failed.size() == 1) throw first;
            ModelLoadException none = new ModelLoadException("no model in " + root.toAbsolutePath() + " loads: "
                    + String.join("; ", repository.failures.values()));
            failed.forEach(none::addSuppressed);
            throw none;
        }
        return repository;
    }

    /** Takes a model out of service with the reason its routes will answer: it failed to load or to warm up. */
    public synchronized void fail(String name, String reason) {
        failures.put(name, reason);
        Model model = models.remove(name);
        if (model != null) model.close();
        System.err.println("skiff: model '" + name + "' is not served: " + reason);
    }

    /** Why a model is not served, or null when it serves or was never found. */
    public String failure(String name) {
        return failures.get(name);
    }

    /** Every model that failed to load, with why, by name. */
    public java.util.SortedMap<String, String> failures() {
        return java.util.Collections.unmodifiableSortedMap(failures);
    }

    /**
     * An empty repository at root whose versions are added and removed while it serves, as the GPU
     * pool's are: readers never wait for a change.
     */
    public static ModelRepository live(Path root) {
        return new ModelRepository(root);
    }

    private static Model loadModel(String name, Path modelDir) {
        ModelConfig config = ModelConfig.read(modelDir);
        Model model = new Model(name, config);
        try {
            for (Path versionDir : requireVersionDirectories(name, modelDir)) {
                String version = versionDir.getFileName().toString();
                model.put(Long.parseLong(version), ModelVersion.load(name, version, versionDir, config));
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * The model directories under root, sorted by name: every one, or only those named.
     *
     * @throws ModelLoadException when root is not a directory, a named model is not in it, or it has no model
     */
    public static List<Path> modelDirectories(Path root, Set<String> only) {
        if (!Files.isDirectory(root)) {
            throw new ModelLoadException("the model repository " + root.toAbsolutePath() + " is not a directory; set "
                    + "SKIFF_MODEL_REPOSITORY or package models under models/");
        }
        List<Path> chosen = new ArrayList<>();
        for (Path modelDir : sortedChildren(root)) {
            if (only.isEmpty() || only.contains(modelDir.getFileName().toString())) chosen.add(modelDir);
        }
        for (String wanted : only) {
            if (!chosen.contains(root.resolve(wanted))) {
                throw new ModelLoadException(
                        "model '" + wanted + "' (named in SKIFF_MODELS) is not in " + root.toAbsolutePath());
            }
        }
        if (chosen.isEmpty()) throw new ModelLoadException("no models in " + root.toAbsolutePath());
        return chosen;
    }

    /** A model's version directories (named by positive whole numbers), in name order; none is no error here. */
    public static List<Path> versionDirectories(Path modelDir) {
        List<Path> versions = new ArrayList<>();
        for (Path child : sortedChildren(modelDir))
            if (isVersion(child.getFileName().toString())) versions.add(child);
        return versions;
    }

    /**
     * A model's version directories, at least one.
     *
     * @throws ModelLoadException when the model has none
     */
    public static List<Path> requireVersionDirectories(String name, Path modelDir) {
        List<Path> versions = versionDirectories(modelDir);
        if (versions.isEmpty()) {
            throw new ModelLoadException(
                    "model '" + name + "' has no version directories (" + modelDir + "/<number>/model.onnx)");
        }
        return versions;
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

    public Path root() {
        return root;
    }

    public Model model(String name) {
        return models.get(name);
    }

    /** Every model with at least one version, by name. */
    public Collection<Model> models() {
        return models.values();
    }

    public List<String> modelNames() {
        return List.copyOf(models.keySet());
    }

    /**
     * Adds a version to a live repository, or replaces the one of the same number: from the
     * return on, routing finds the new one. The model is created with {@code config} when it has no
     * version yet.
     *
     * @return the version replaced, or null; the caller closes it once its requests finished
     */
    public synchronized ModelVersion putVersion(String name, ModelConfig config, ModelVersion version) {
        long number = Long.parseLong(version.version());
        Model model = models.get(name);
        if (model != null) return model.put(number, version);
        Model created = new Model(name, config);
        created.put(number, version); // before readers can find the model: none sees it without a version
        models.put(name, created);
        return null;
    }

    /**
     * Takes a version out of a live repository; a model left without versions goes with it.
     *
     * @return the version removed, or null when there was none; the caller closes it once its requests finished
     */
    public synchronized ModelVersion removeVersion(String name, long number) {
        Model model = models.get(name);
        ModelVersion removed = model == null ? null : model.remove(number);
        if (model != null && model.latest() == null) models.remove(name, model);
        return removed;
    }

    @Override
    public void close() {
        models.values().forEach(Model::close);
    }
}
