package dev.skiff.deployer.deploy;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.store.Checksums;
import dev.skiff.store.ModelStore;
import dev.skiff.store.VersionManifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * skiff deploy's GPU-pool part: each packaged version of a pool model goes into the pool's model
 * store, where every task picks it up on its next poll, so a new pool version needs no image build.
 * Store versions are immutable: one already there with the same files is left alone, one with
 * other files is refused (publish it under a new number).
 */
public final class PoolPublisher {
    private final ModelStore store;
    private final Consumer<String> progress;

    public PoolPublisher(ModelStore store, Consumer<String> progress) {
        this.store = store;
        this.progress = progress;
    }

    public void publish(PackagedModel model) {
        Path modelDir = model.artifact().resolve("models").resolve(model.name());
        for (String version : model.versions()) {
            long number = Long.parseLong(version);
            Path versionDir = modelDir.resolve(version);
            Optional<VersionManifest> there = store.manifest(model.name(), number);
            if (there.isPresent()) {
                if (!there.get().files().equals(entries(versionDir))) {
                    throw new UserError(model.name() + " version " + version + " in the GPU pool's store "
                            + store.describe() + " has other files than the one packaged in " + versionDir
                            + "; store versions are immutable: give the new model a new version number");
                }
                progress.accept(model.name() + " version " + version + ": already in " + store.describe());
                continue;
            }
            VersionManifest published = store.publish(model.name(), number, modelDir);
            progress.accept(model.name() + " version " + version + ": published to " + store.describe() + " ("
                    + published.files().size() + " files, checked by each task)");
        }
    }

    /** The files of a version directory as a manifest lists them. */
    private static Map<String, VersionManifest.FileEntry> entries(Path versionDir) {
        Map<String, VersionManifest.FileEntry> entries = new TreeMap<>();
        try (Stream<Path> files = Files.list(versionDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || name.equals(VersionManifest.FILE_NAME)) continue;
                entries.put(name, new VersionManifest.FileEntry(Checksums.sha256(file), Files.size(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + versionDir, e);
        }
        return entries;
    }
}
