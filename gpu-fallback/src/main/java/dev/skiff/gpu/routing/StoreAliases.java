package dev.skiff.gpu.routing;

import dev.skiff.gpu.repository.ModelRegistry;
import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.store.ModelStore;
import dev.skiff.store.ModelStore.AliasSnapshot;
import dev.skiff.store.StoreConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The pool's aliases as the store's alias document says, for every task alike: the table is made
 * to match the document at start and on every poll, and the management API's changes are written
 * to the document (optimistic concurrency), never to this task alone. An alias whose version is
 * not loaded here yet keeps its previous route until it is, so the old version serves until the
 * new one is loaded and warmed.
 */
public final class StoreAliases {
    private static final Logger LOG = LoggerFactory.getLogger(StoreAliases.class);

    private final ModelStore store;
    private final AliasTable table;
    private final ModelRegistry registry;
    private final Set<String> waitingLogged = new HashSet<>();
    private AliasSnapshot applied = new AliasSnapshot(AliasDocument.empty(), null);

    public StoreAliases(ModelStore store, AliasTable table, ModelRegistry registry) {
        this.store = store;
        this.table = table;
        this.registry = registry;
    }

    /** Reads the store's document and makes the table match it. */
    public void refresh() {
        apply(store.aliases());
    }

    /**
     * Sets an alias in the store's document as this task last read it, then here.
     *
     * @throws StoreConflictException when another writer changed the document since this task read
     *     it: nothing was written, and this task now has the newer document to decide again from
     */
    public void put(String model, String alias, AliasRoute route) {
        AliasSnapshot seen = applied();
        write(seen.document().with(model, alias, route), seen.tag());
    }

    /**
     * Removes an alias from the store's document as this task last read it, then here.
     *
     * @return the route removed, or null when the document has no such alias (nothing is written)
     * @throws StoreConflictException as {@link #put} does
     */
    public AliasRoute remove(String model, String alias) {
        AliasSnapshot seen = applied();
        AliasRoute removed = seen.document().route(model, alias);
        if (removed != null) write(seen.document().without(model, alias), seen.tag());
        return removed;
    }

    private synchronized AliasSnapshot applied() {
        return applied;
    }

    private void write(AliasDocument next, String expectedTag) {
        AliasSnapshot written;
        try {
            written = store.writeAliases(next, expectedTag);
        } catch (StoreConflictException e) {
            refresh();
            throw e;
        }
        apply(written);
    }

    /** Published versions of a model in the store, lowest first (an alias may route to any). */
    public List<Long> publishedVersions(String model) {
        return store.versions(model);
    }

    public String describe() {
        return store.describe();
    }

    private synchronized void apply(AliasSnapshot snapshot) {
        AliasDocument document = snapshot.document();
        boolean newDocument = !Objects.equals(snapshot.tag(), applied.tag());
        if (newDocument) waitingLogged.clear();
        document.models().forEach((model, aliases) -> aliases.forEach((alias, route) -> set(model, alias, route)));
        for (String model : table.models()) {
            for (Map.Entry<String, AliasRoute> alias : table.aliases(model).entrySet()) {
                if (document.route(model, alias.getKey()) != null) continue;
                table.remove(model, alias.getKey());
                LOG.atInfo()
                        .addKeyValue("model", model)
                        .addKeyValue("alias", alias.getKey())
                        .addKeyValue("store", store.describe())
                        .log("alias deleted");
            }
        }
        applied = snapshot;
    }

    private void set(String model, String alias, AliasRoute route) {
        if (route.equals(table.get(model, alias))) return;
        String problem = AliasFileLoader.problem(registry, model, alias, route);
        if (problem != null) {
            if (waitingLogged.add(model + "/" + alias)) {
                LOG.atWarn()
                        .addKeyValue("model", model)
                        .addKeyValue("alias", alias)
                        .addKeyValue("route", json(alias, route))
                        .addKeyValue("reason", problem)
                        .addKeyValue(
                                "serving",
                                table.get(model, alias) == null ? null : json(alias, table.get(model, alias)))
                        .log("alias waits: the store routes it to a version this task does not serve yet");
            }
            return;
        }
        AliasRoute before = table.get(model, alias);
        table.put(model, alias, route);
        LOG.atInfo()
                .addKeyValue("model", model)
                .addKeyValue("alias", alias)
                .addKeyValue("route", json(alias, route))
                .addKeyValue("before", before == null ? null : json(alias, before))
                .addKeyValue("store", store.describe())
                .log("alias set");
    }

    private static String json(String alias, AliasRoute route) {
        return new String(AliasDocument.routeJson(alias, route), StandardCharsets.UTF_8);
    }
}
