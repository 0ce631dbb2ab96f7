package dev.skiff.gpu.repository;

import dev.skiff.runtime.model.Model;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.ModelVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * leaves what served before in place, with the reason kept for the index. The core's
 * {@link ModelRepository} reads the layout on disk and holds the versions served, as in the function.
 */
public final class ModelRegistry implements AutoCloseable {
    /** A version's state as the repository index shows it. */
    public record VersionState(String model, String version, boolean ready, String reason) {}

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final Path root;
    private final VersionLoader loader;
    private final Duration retireTimeout;
    private final ModelRepository models;
    private final Map<ModelVersion, ServedVersion> served = new ConcurrentHashMap<>(); // keyed by identity
    private final ConcurrentSkipListMap<String, String> failures =
            new ConcurrentSkipListMap<>(); // "model/version" -> why
    private final Map<String, String> attemptedFiles =
            new ConcurrentHashMap<>(); // "model/version" -> files of the last load
    private final Set<String> expected = ConcurrentHashMap.newKeySet();
    private final ReentrantLock changes = new ReentrantLock(); // one load or unload at a time
    private volatile boolean startupComplete;

    public ModelRegistry(Path root, VersionLoader loader, Duration retireTimeout) {
        this.root = root.toAbsolutePath().normalize();
        this.loader = loader;
        this.retireTimeout = retireTimeout;
        this.models = ModelRepository.live(this.root);
    }

    public Path root() {
        return root;
    }

    public Model model(String name) {
        return models.model(name);
    }

    public List<String> modelNames() {
        return models.modelNames();
    }

    /** The served form of a version that routing resolved; null once it was replaced or unloaded. */
    public ServedVersion served(ModelVersion version) {
        return served.get(version);
    }

    /** The version now serving under a model name and version number, or null. */
    public ServedVersion current(String model, String version) {
        Model m = models.model(model);
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
            Model model = models.model(name);
            if (model == null || model.latest() == null) return false;
        }
        return true;
    }

    /**
     * Loads every model in the repository (or only those named), every version of each. Failures
     * are logged and kept for the index, not thrown: the other models still serve.
     */
    public void loadAll(Set<String> only) {
        List<String> names = ModelRepository.modelDirectories(root, only).stream()
                .map(d -> d.getFileName().toString())
                .toList();
        expected.addAll(names);
        for (String name : names) loadNewVersions(name);
        startupComplete = true;
    }

    /** Loads the model's version directories that are not loaded yet (all of a new model's); returns what failed. */
    public List<String> loadNewVersions(String name) {
        Path modelDir = modelDirectory(name);
        List<Path> versionDirs;
        try {
            versionDirs = ModelRepository.requireVersionDirectories(name, modelDir);
        } catch (ModelLoadException e) {
            failures.put(name + "/-", e.getMessage());
            LOG.atError()
                    .addKeyValue("model", name)
                    .addKeyValue("reason", e.getMessage())
                    .log("model has no versions");
            return List.of(e.getMessage());
        }
        List<String> failed = new ArrayList<>();
        for (Path versionDir : versionDirs) {
            long number = Long.parseLong(versionDir.getFileName().toString());
            Model model = models.model(name);
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
            Model existing = models.model(name);
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
                LOG.atError()
                        .addKeyValue("model", name)
                        .addKeyValue("version", Long.toString(number))
                        .addKeyValue("reason", why)
                        .addKeyValue("serving", hadOld ? "the copy loaded before" : "nothing for this version")
                        .log("version failed to load");
                throw e instanceof ModelLoadException m ? m : new ModelLoadException(why, e);
            }
            failures.remove(key);
            failures.remove(name + "/-");
            served.put(fresh.primary(), fresh); // before routing can find it
            ModelVersion old = models.putVersion(name, config, fresh.primary());
            LOG.atInfo()
                    .addKeyValue("model", name)
                    .addKeyValue("version", Long.toString(number))
                    .addKeyValue("loadMs", (System.nanoTime() - start) / 1_000_000)
                    .addKeyValue("instances", config.instances())
                    .addKeyValue("batching", fresh.batcher().toString())
                    .log(old == null ? "version loaded" : "version reloaded");
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
        return ModelRepository.versionDirectories(modelDirectory(name)).stream()
                .map(d -> Long.parseLong(d.getFileName().toString()))
                .toList();
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
                files.append(path.getFileName())
                        .append(':')
                        .append(Files.size(path))
                        .append(':')
                        .append(Files.getLastModifiedTime(path).toMillis())
                        .append(';');
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
            ModelVersion old = models.removeVersion(name, number);
            if (old == null) return false;
            attemptedFiles.remove(name + "/" + number);
            LOG.atInfo()
                    .addKeyValue("model", name)
                    .addKeyValue("version", Long.toString(number))
                    .log("version unloaded");
            retire(name, served.remove(old));
            return true;
        } finally {
            changes.unlock();
        }
    }

    /** The versions whose last load failed ("model/version", "model/-" for a model without versions), with why. */
    public java.util.SortedMap<String, String> failedVersions() {
        return java.util.Collections.unmodifiableSortedMap(failures);
    }

    /** Why a model found in the repository serves no version (the last version's load error), or null. */
    public String failure(String name) {
        Model model = models.model(name);
        if (model != null && model.latest() != null) return null;
        String why = null;
        for (Map.Entry<String, String> failure : failures.entrySet()) {
            if (failure.getKey().startsWith(name + "/")) why = failure.getValue();
        }
        return why;
    }

    /** The models found in the repository that serve no version, by name. */
    public List<String> failedModels() {
        List<String> names = new ArrayList<>();
        for (String key : failures.keySet()) {
            String name = key.substring(0, key.indexOf('/'));
            if (!names.contains(name) && failure(name) != null) names.add(name);
        }
        return names;
    }

    /** Every version that is loaded or failed to load, by model and version. */
    public List<VersionState> index() {
        List<VersionState> states = new ArrayList<>();
        for (Model model : models.models()) {
            for (String version : model.versionNames()) {
                states.add(new VersionState(model.name(), version, true, failures.get(model.name() + "/" + version)));
            }
        }
        for (Map.Entry<String, String> failure : failures.entrySet()) {
            String[] parts = failure.getKey().split("/", 2);
            Model model = models.model(parts[0]);
            boolean loaded = model != null
                    && ModelRepository.isVersion(parts[1])
                    && model.version(Long.parseLong(parts[1])) != null;
            if (!loaded) states.add(new VersionState(parts[0], parts[1], false, failure.getValue()));
        }
        return states;
    }

    /** Retires every version: queued requests finish, then sessions close. */
    @Override
    public void close() {
        changes.lock();
        try {
            for (Model model : models.models()) {
                for (String version : model.versionNames()) {
                    retire(model.name(), served.remove(models.removeVersion(model.name(), Long.parseLong(version))));
                }
            }
        } finally {
            changes.unlock();
        }
    }

    private void retire(String model, ServedVersion old) {
        if (old == null) return;
        if (!old.retireAndClose(retireTimeout)) {
            LOG.atWarn()
                    .addKeyValue("model", model)
                    .addKeyValue("version", old.primary().version())
                    .addKeyValue("timeoutMs", retireTimeout.toMillis())
                    .log("a replaced version did not finish its queue in time; its sessions stay open");
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
