package dev.skiff.gpu.repository;

import dev.skiff.gpu.observability.ServerLog;
import dev.skiff.runtime.model.Model;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.ModelVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The models this server has loaded from its repository directory, changed at run time without
 * dropping a request: a version is loaded and warmed before it replaces the one it updates, the
 * replaced one finishes its queue before its sessions close, and a version that fails to load
 * leaves what served before in place, with the reason kept for the index.
 */
public final class ModelRegistry implements AutoCloseable {
    /** A version's state as the repository index shows it. */
    public record VersionState(String model, String version, boolean ready, String reason) {}

    private final Path root;
    private final VersionLoader loader;
    private final ServerLog log;
    private final Duration retireTimeout;
    private final ConcurrentSkipListMap<String, Model> models = new ConcurrentSkipListMap<>();
    private final Map<ModelVersion, ServedVersion> served = new ConcurrentHashMap<>(); // keyed by identity
    private final ConcurrentSkipListMap<String, String> failures = new ConcurrentSkipListMap<>(); // "model/version" -> why
    private final Map<String, String> attemptedFiles = new ConcurrentHashMap<>(); // "model/version" -> files of the last load
    private final Set<String> expected = ConcurrentHashMap.newKeySet();
    private final ReentrantLock changes = new ReentrantLock(); // one load or unload at a time
    private volatile boolean startupComplete;

    public ModelRegistry(Path root, VersionLoader loader, ServerLog log, Duration retireTimeout) {
        this.root = root.toAbsolutePath().normalize();
        this.loader = loader;
        this.log = log;
        this.retireTimeout = retireTimeout;
    }

    public Path root() {
        return root;
    }

    public Model model(String name) {
        return models.get(name);
    }

    public List<String> modelNames() {
        return List.copyOf(models.keySet());
    }

    /** The served form of a version that routing resolved; null once it was replaced or unloaded. */
    public ServedVersion served(ModelVersion version) {
        return served.get(version);
    }

    /** The version now serving under a model name and version number, or null. */
    public ServedVersion current(String model, String version) {
        Model m = models.get(model);
        if (m == null || !ModelRepository.isVersion(version)) return null;
        ModelVersion v = m.version(Long.parseLong(version));
        return v == null ? null : served.get(v);
    }

    public boolean startupComplete() {
        return startupComplete;
    }

    /** Whether every model found at start has a version serving. */
    public boolean allModelsServing() {
        for (String name : expected) {
            Model model = models.get(name);
            if (model == null || model.latest() == null) return false;
        }
        return true;
    }

    /**
     * Loads every model in the repository (or only those named), every version of each. Failures
     * are logged and kept for the index, not thrown: the other models still serve.
     */
    public void loadAll(Set<String> only) {
        if (!Files.isDirectory(root)) {
            throw new ModelLoadException("the model repository " + root.toAbsolutePath() + " is not a directory");
        }
        for (Path modelDir : children(root)) {
            String name = modelDir.getFileName().toString();
            if (!only.isEmpty() && !only.contains(name)) continue;
            expected.add(name);
        }
        for (String wanted : only) {
            if (!expected.contains(wanted)) {
                throw new ModelLoadException("model '" + wanted + "' (named in SKIFF_MODELS) is not in " + root.toAbsolutePath());
            }
        }
        if (expected.isEmpty()) throw new ModelLoadException("no models in " + root.toAbsolutePath());
        for (String name : expected.stream().sorted().toList()) loadNewVersions(name);
        startupComplete = true;
    }

    /** Loads the model's version directories that are not loaded yet (all of a new model's); returns what failed. */
    public List<String> loadNewVersions(String name) {
        Path modelDir = modelDirectory(name);
        List<String> failed = new ArrayList<>();
        List<Path> versionDirs = children(modelDir).stream()
                .filter(d -> ModelRepository.isVersion(d.getFileName().toString())).toList();
        if (versionDirs.isEmpty()) {
            String why = "model '" + name + "' has no version directories (" + modelDir + "/<number>/model.onnx)";
            failures.put(name + "/-", why);
            log.error("model has no versions", "model", name, "reason", why);
            failed.add(why);
        }
        for (Path versionDir : versionDirs) {
            long number = Long.parseLong(versionDir.getFileName().toString());
            Model model = models.get(name);
            if (model != null && model.version(number) != null) continue;
            try {
                loadVersion(name, number);
            } catch (ModelLoadException e) {
                failed.add(e.getMessage());
            }
        }
        return failed;
    }

    /**
     * Loads a version, or loads it again from disk: the new copy is loaded and warmed, then takes
     * the old one's place; the old one finishes its queued requests, then closes.
     *
     * @throws ModelLoadException why it cannot load; what served before still serves
     */
    public void loadVersion(String name, long number) {
        String key = name + "/" + number;
        changes.lock();
        try {
            Path modelDir = modelDirectory(name);
            Path versionDir = modelDir.resolve(Long.toString(number));
            Model existing = models.get(name);
            boolean hadOld = existing != null && existing.version(number) != null;
            ServedVersion fresh;
            ModelConfig config;
            long start = System.nanoTime();
            attemptedFiles.put(key, filesOf(modelDir, versionDir));
            try {
                if (!Files.isDirectory(versionDir)) throw new ModelLoadException("no directory " + versionDir);
                config = ModelConfig.read(modelDir);
                fresh = loader.load(name, Long.toString(number), versionDir, config);
            } catch (RuntimeException e) {
                String why = e.getMessage();
                failures.put(key, why);
                log.error("version failed to load", "model", name, "version", Long.toString(number), "reason", why,
                        "serving", hadOld ? "the copy loaded before" : "nothing for this version");
                throw e instanceof ModelLoadException m ? m : new ModelLoadException(why, e);
            }
            failures.remove(key);
            failures.remove(name + "/-");
            Model model = models.computeIfAbsent(name, n -> new Model(n, config));
            served.put(fresh.primary(), fresh); // before routing can find it
            ModelVersion old = model.put(number, fresh.primary());
            log.info(old == null ? "version loaded" : "version reloaded", "model", name, "version", Long.toString(number),
                    "loadMs", (System.nanoTime() - start) / 1_000_000, "instances", config.instances(),
                    "batching", fresh.batcher().toString());
            if (old != null) retire(name, served.remove(old));
        } finally {
            changes.unlock();
        }
    }

    /** Model directories in the repository now. */
    public List<String> modelsOnDisk() {
        return children(root).stream().map(d -> d.getFileName().toString()).toList();
    }

    /** Version numbers with a directory under the model now. */
    public List<Long> versionsOnDisk(String name) {
        return children(modelDirectory(name)).stream().map(d -> d.getFileName().toString())
                .filter(ModelRepository::isVersion).map(Long::parseLong).toList();
    }

    /** Whether a version's files (or its model's config.json) differ from those of its last load, or it never loaded. */
    public boolean changedOnDisk(String name, long number) {
        Path modelDir = modelDirectory(name);
        String now = filesOf(modelDir, modelDir.resolve(Long.toString(number)));
        return !now.equals(attemptedFiles.get(name + "/" + number));
    }

    /** Names, sizes and modification times of a version's files and its model's config: what a reload would read. */
    private static String filesOf(Path modelDir, Path versionDir) {
        StringBuilder files = new StringBuilder();
        List<Path> paths = new ArrayList<>();
        paths.add(modelDir.resolve(ModelConfig.FILE_NAME));
        try (Stream<Path> list = Files.list(versionDir)) {
            list.sorted().forEach(paths::add);
        } catch (IOException e) {
            return "unreadable";
        }
        for (Path path : paths) {
            try {
                if (!Files.isRegularFile(path)) continue;
                files.append(path.getFileName()).append(':').append(Files.size(path)).append(':')
                        .append(Files.getLastModifiedTime(path).toMillis()).append(';');
            } catch (IOException e) {
                files.append(path.getFileName()).append(":gone;");
            }
        }
        return files.toString();
    }

    /** Stops serving a version: requests already queued for it still complete. */
    public boolean unloadVersion(String name, long number) {
        changes.lock();
        try {
            Model model = models.get(name);
            ModelVersion old = model == null ? null : model.remove(number);
            if (old == null) return false;
            if (model.latest() == null) models.remove(name, model);
            attemptedFiles.remove(name + "/" + number);
            log.info("version unloaded", "model", name, "version", Long.toString(number));
            retire(name, served.remove(old));
            return true;
        } finally {
            changes.unlock();
        }
    }

    /** Every version that is loaded or failed to load, by model and version. */
    public List<VersionState> index() {
        List<VersionState> states = new ArrayList<>();
        for (Model model : models.values()) {
            for (String version : model.versionNames()) {
                states.add(new VersionState(model.name(), version, true, failures.get(model.name() + "/" + version)));
            }
        }
        for (Map.Entry<String, String> failure : failures.entrySet()) {
            String[] parts = failure.getKey().split("/", 2);
            Model model = models.get(parts[0]);
            boolean loaded = model != null && ModelRepository.isVersion(parts[1]) && model.version(Long.parseLong(parts[1])) != null;
            if (!loaded) states.add(new VersionState(parts[0], parts[1], false, failure.getValue()));
        }
        return states;
    }

    /** Retires every version: queued requests finish, then sessions close. */
    @Override
    public void close() {
        changes.lock();
        try {
            for (Model model : models.values()) {
                for (ModelVersion version : model.versions()) retire(model.name(), served.remove(version));
            }
            models.clear();
        } finally {
            changes.unlock();
        }
    }

    private void retire(String model, ServedVersion old) {
        if (old == null) return;
        if (!old.retireAndClose(retireTimeout)) {
            log.warn("a replaced version did not finish its queue in time; its sessions stay open", "model", model,
                    "version", old.primary().version(), "timeoutMs", retireTimeout.toMillis());
        }
    }

    private Path modelDirectory(String name) {
        Path dir = root.resolve(name).normalize();
        if (!root.equals(dir.getParent()) || !Files.isDirectory(dir)) {
            throw new ModelLoadException("model '" + name + "' is not in the repository " + root.toAbsolutePath());
        }
        return dir;
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new ModelLoadException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
