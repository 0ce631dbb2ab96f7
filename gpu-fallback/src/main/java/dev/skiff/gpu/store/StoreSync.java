package dev.skiff.gpu.store;

import dev.skiff.store.ModelStore;
import dev.skiff.store.VersionManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Brings the store's published versions onto local disk, laid out as the model repository the
 * registry serves. Each version is downloaded into a staging directory, checked against its
 * manifest, and only then moved into place in one rename, so the registry never sees half a
 * version. Versions are immutable in the store, so one on disk is never fetched again; one whose
 * manifest was deleted from the store is reported as removed, for the poller to retire.
 */
public final class StoreSync {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSync.class);
    /** A model directory name: one path segment, nothing that climbs out of the repository. */
    private static final Pattern MODEL_NAME = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._-]{1,128}");

    private static final Pattern VERSION_NAME = Pattern.compile("[0-9]{1,18}");

    /**
     * What one sync found, model to versions, lowest first.
     *
     * @param added   versions downloaded now
     * @param removed versions on disk that the store no longer publishes (their manifest was deleted)
     */
    public record Changes(Map<String, List<Long>> added, Map<String, List<Long>> removed) {}

    private final ModelStore store;
    private final Path models;
    private final Path staging;
    private final Set<String> only;

    /**
     * @param cache holds {@code models/} (the repository served) and {@code staging/} (downloads in
     *              progress, emptied here: a download a crash interrupted is never used)
     * @param only  the models to sync, all when empty
     */
    public StoreSync(ModelStore store, Path cache, Set<String> only) {
        this.store = store;
        this.models = cache.resolve("models");
        this.staging = cache.resolve("staging");
        this.only = only;
        try {
            deleteTree(staging);
            Files.createDirectories(models);
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the store cache " + cache, e);
        }
    }

    /** The repository directory the registry serves. */
    public Path models() {
        return models;
    }

    public String describe() {
        return store.describe();
    }

    /**
     * Downloads every published version not on disk yet, and finds those on disk the store no
     * longer publishes. A version that fails (a checksum that does not match, a network error) is
     * logged and tried again on the next sync.
     */
    public Changes sync() {
        Map<String, List<Long>> published = store.versions();
        Map<String, List<Long>> added = new TreeMap<>();
        for (Map.Entry<String, List<Long>> model : published.entrySet()) {
            String name = model.getKey();
            if (!only.isEmpty() && !only.contains(name)) continue;
            if (!MODEL_NAME.matcher(name).matches()) {
                LOG.atWarn().addKeyValue("model", name).log("a store model name that is not a directory name; skipped");
                continue;
            }
            List<Long> missing = model.getValue().stream()
                    .filter(v -> !Files.isDirectory(models.resolve(name).resolve(Long.toString(v))))
                    .toList();
            for (long version : missing) {
                // the model's config.json in the store is the newest version's: check it against that one's manifest
                boolean newest = version == model.getValue().getLast();
                try {
                    fetch(name, version, newest);
                    added.computeIfAbsent(name, n -> new ArrayList<>()).add(version);
                } catch (RuntimeException e) {
                    LOG.atError()
                            .addKeyValue("model", name)
                            .addKeyValue("version", Long.toString(version))
                            .addKeyValue("store", store.describe())
                            .addKeyValue("reason", e.getMessage())
                            .log("version not synced; tried again on the next poll");
                }
            }
        }
        return new Changes(added, removed(published));
    }

    /** Versions on disk, of the models this task syncs, that are not among the store's published ones. */
    private Map<String, List<Long>> removed(Map<String, List<Long>> published) {
        Map<String, List<Long>> removed = new TreeMap<>();
        try (Stream<Path> modelDirs = Files.list(models)) {
            for (Path modelDir : modelDirs.filter(Files::isDirectory).toList()) {
                String name = modelDir.getFileName().toString();
                if (!only.isEmpty() && !only.contains(name)) continue;
                List<Long> inStore = published.getOrDefault(name, List.of());
                try (Stream<Path> versionDirs = Files.list(modelDir)) {
                    List<Long> gone = versionDirs
                            .map(dir -> dir.getFileName().toString())
                            .filter(VERSION_NAME.asMatchPredicate())
                            .map(Long::parseLong)
                            .filter(version -> !inStore.contains(version))
                            .sorted()
                            .toList();
                    if (!gone.isEmpty()) removed.put(name, gone);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the store cache " + models, e);
        }
        return removed;
    }

    /** Deletes a version's files, once it no longer serves. */
    public void delete(String model, long version) {
        deleteQuietly(models.resolve(model).resolve(Long.toString(version)));
    }

    private void fetch(String model, long version, boolean withConfig) {
        long start = System.nanoTime();
        VersionManifest manifest = store.manifest(model, version)
                .orElseThrow(() -> new IllegalStateException("the manifest is gone from the store"));
        if (!withConfig || manifest.config() == null) {
            manifest = new VersionManifest(model, version, null, manifest.files());
        }
        Path stage = null;
        try {
            stage = Files.createTempDirectory(staging, model + "-" + version + "-");
            Path versionDir = stage.resolve("version");
            Path config = stage.resolve(ModelStore.CONFIG_FILE);
            store.download(manifest, versionDir, config);
            Path modelDir = Files.createDirectories(models.resolve(model));
            if (manifest.config() != null) {
                Files.move(
                        config,
                        modelDir.resolve(ModelStore.CONFIG_FILE),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(versionDir, modelDir.resolve(Long.toString(version)), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (stage != null) deleteQuietly(stage);
        }
        LOG.atInfo()
                .addKeyValue("model", model)
                .addKeyValue("version", Long.toString(version))
                .addKeyValue("files", manifest.files().size())
                .addKeyValue("syncMs", (System.nanoTime() - start) / 1_000_000)
                .log("version synced");
    }

    /** Deletes a directory tree, logging what cannot be deleted. */
    public static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.atWarn()
                    .addKeyValue("dir", dir.toString())
                    .addKeyValue("reason", e.toString())
                    .log("cannot delete a directory");
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        }
    }
}
