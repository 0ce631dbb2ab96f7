package dev.skiff.gpu.repository;

import dev.skiff.gpu.routing.AliasFileLoader;
import dev.skiff.gpu.routing.AliasTable;
import dev.skiff.runtime.model.Model;
import dev.skiff.runtime.model.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Polls the model repository: loads new model and version directories, reloads a version whose
 * files changed, unloads one whose directory went away (unless an alias routes to it), and
 * re-reads the aliases file when it changes. Polling, not file events: they are unreliable on
 * the network and overlay file systems containers mount.
 */
public final class RepositoryWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RepositoryWatcher.class);

    private final ModelRegistry registry;
    private final GoneVersions gone;
    private final AliasFileLoader aliasFile;
    private final ScheduledExecutorService timer;

    public RepositoryWatcher(ModelRegistry registry, AliasTable aliases, AliasFileLoader aliasFile, Duration interval) {
        this.registry = registry;
        this.gone = new GoneVersions(registry, aliases);
        this.aliasFile = aliasFile;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("repository-watcher").factory());
        timer.scheduleWithFixedDelay(this::scanSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException e) {
            LOG.atError().addKeyValue("reason", e.toString()).log("scanning the model repository failed");
        }
    }

    /** One pass over the repository. */
    void scan() {
        for (String name : registry.modelsOnDisk()) {
            List<Long> onDisk;
            try {
                onDisk = registry.versionsOnDisk(name);
            } catch (ModelLoadException e) {
                continue; // removed while listing
            }
            for (long number : onDisk) {
                if (!registry.changedOnDisk(name, number)) continue;
                try {
                    registry.loadVersion(name, number);
                } catch (ModelLoadException e) {
                    // logged by the registry; tried again once the files change
                }
            }
            Model model = registry.model(name);
            if (model != null) unloadRemoved(name, model, onDisk);
        }
        if (aliasFile != null && aliasFile.changed()) aliasFile.apply();
    }

    private void unloadRemoved(String name, Model model, List<Long> onDisk) {
        for (String version : model.versionNames()) {
            long number = Long.parseLong(version);
            if (!onDisk.contains(number)) gone.retire(name, number, "a version's directory is gone");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
