package dev.skiff.gpu.store;

import dev.skiff.gpu.repository.GoneVersions;
import dev.skiff.gpu.repository.ModelRegistry;
import dev.skiff.gpu.routing.StoreAliases;
import dev.skiff.runtime.model.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a task serving what the store says: the first sync, load and alias read before the task
 * is ready, then on every poll the new versions (synced, loaded and warmed, and only then routed
 * to), the alias document again, and the versions deleted from the store unloaded and their files
 * removed, unless an alias still routes to one: it keeps serving until the alias moves.
 */
public final class StorePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorePoller.class);

    private final StoreSync sync;
    private final ModelRegistry registry;
    private final StoreAliases aliases;
    private final GoneVersions gone;
    private volatile ScheduledExecutorService timer;

    public StorePoller(StoreSync sync, ModelRegistry registry, StoreAliases aliases, GoneVersions gone) {
        this.sync = sync;
        this.registry = registry;
        this.aliases = aliases;
        this.gone = gone;
    }

    /** The first sync: every version downloaded and loaded, and the aliases read (readiness waits for it). */
    public synchronized void startUp(Set<String> only) {
        long start = System.nanoTime();
        StoreSync.Changes synced = sync.sync();
        // not loaded yet: dropped before loading, as a task started without this cache would not have them either
        synced.removed().forEach((model, versions) -> versions.forEach(version -> sync.delete(model, version)));
        LOG.atInfo()
                .addKeyValue("store", sync.describe())
                .addKeyValue("versions", synced.added().toString())
                .addKeyValue("removed", synced.removed().toString())
                .addKeyValue("syncMs", (System.nanoTime() - start) / 1_000_000)
                .log("store synced");
        registry.loadAll(only);
        aliases.refresh();
    }

    /** Polls every {@code interval} from now on. */
    public synchronized void start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("store-poller").factory());
        timer.scheduleWithFixedDelay(this::pollSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One poll: new versions synced and loaded, the alias document applied, then deleted versions retired. */
    public synchronized void poll() {
        StoreSync.Changes changes = sync.sync();
        changes.added().forEach((model, versions) -> {
            try {
                registry.loadNewVersions(model);
            } catch (ModelLoadException e) {
                // logged by the registry; its alias keeps its previous route
            }
        });
        aliases.refresh(); // first: an alias moved off a deleted version in the same change frees it now
        changes.removed().forEach((model, versions) -> versions.forEach(version -> retire(model, version)));
    }

    /** A version deleted from the store: unloaded and its files removed, unless an alias still routes to it. */
    private void retire(String model, long version) {
        if (!gone.retire(model, version, "a version was deleted from the store")) return;
        sync.delete(model, version);
        LOG.atInfo()
                .addKeyValue("model", model)
                .addKeyValue("version", Long.toString(version))
                .log("version deleted from the store; unloaded and its files removed");
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.atError()
                    .addKeyValue("store", sync.describe())
                    .addKeyValue("reason", e.toString())
                    .log("polling the model store failed; what was loaded keeps serving");
        }
    }

    public StoreAliases aliases() {
        return aliases;
    }

    public String describe() {
        return sync.describe();
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
    }
}
