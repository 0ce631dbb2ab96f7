package dev.skiff.gpu.store;

import dev.skiff.gpu.repository.ModelRegistry;
import dev.skiff.gpu.routing.StoreAliases;
import dev.skiff.runtime.model.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a task serving what the store says: the first sync, load and alias read before the task
 * is ready, then on every poll the new versions (synced, loaded and warmed, and only then routed
 * to) and the alias document again.
 */
public final class StorePoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorePoller.class);

    private final StoreSync sync;
    private final ModelRegistry registry;
    private final StoreAliases aliases;
    private volatile ScheduledExecutorService timer;

    public StorePoller(StoreSync sync, ModelRegistry registry, StoreAliases aliases) {
        this.sync = sync;
        this.registry = registry;
        this.aliases = aliases;
    }

    /** The first sync: every version downloaded and loaded, and the aliases read (readiness waits for it). */
    public synchronized void startUp(Set<String> only) {
        long start = System.nanoTime();
        Map<String, List<Long>> synced = sync.sync();
        LOG.atInfo()
                .addKeyValue("store", sync.describe())
                .addKeyValue("versions", synced.toString())
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

    /** One poll: new versions synced and loaded, then the alias document applied. */
    public synchronized void poll() {
        sync.sync().forEach((model, versions) -> {
            try {
                registry.loadNewVersions(model);
            } catch (ModelLoadException e) {
                // logged by the registry; its alias keeps its previous route
            }
        });
        aliases.refresh();
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
