package dev.skiff.deployer.release;

import dev.skiff.deployer.cli.ExitCodes;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.runtime.contract.Target;
import dev.skiff.store.ModelStore;
import dev.skiff.store.ModelStore.AliasSnapshot;
import dev.skiff.store.StoreConflictException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A GPU-pool model's versions and aliases in the pool's shared model store (s3://bucket/prefix),
 * which every task of the pool syncs from: versions are the store's published ones, aliases are
 * its one alias document ({@link AliasDocument}). A change is written only if the document is
 * still as this channel last read it (S3's conditional write on the ETag), so two releases that
 * race never lose an update silently: the loser fails with {@link ExitCodes#CONFLICT}. Pool
 * aliases carry no previous version, so rollback goes to the highest lower version.
 */
public final class PoolReleaseChannel implements ReleaseChannel {
    private final ModelStore store;
    private final String model;
    private AliasSnapshot read; // the document as last read: a write must find it unchanged

    /** @param store closed with this channel */
    public PoolReleaseChannel(ModelStore store, String model) {
        this.store = store;
        this.model = model;
    }

    @Override
    public Target target() {
        return Target.GPU_POOL;
    }

    @Override
    public String location() {
        return store.describe();
    }

    @Override
    public List<String> versions() {
        return store.versions(model).stream().map(String::valueOf).toList();
    }

    @Override
    public List<AliasState> aliases() {
        read = store.aliases();
        List<AliasState> aliases = new ArrayList<>();
        Map<String, AliasRoute> routes = read.document().models().get(model);
        if (routes != null) routes.forEach((name, route) -> aliases.add(state(name, route)));
        return aliases;
    }

    /**
     * Writes the alias into the document as last read.
     *
     * @throws UserError with {@link ExitCodes#CONFLICT} when another release changed the document since
     */
    @Override
    public void setAlias(AliasState alias) {
        if (read == null) aliases();
        AliasDocument next = read.document().with(model, alias.name(), route(alias));
        try {
            read = store.writeAliases(next, read.tag());
        } catch (StoreConflictException e) {
            throw new UserError(
                    "conflict: another release changed the GPU pool's aliases in " + store.describe()
                            + " while this one ran, so alias '" + alias.name() + "' of " + model
                            + " was not changed (" + e.getMessage() + "); run skiff status " + model
                            + " --pool-store " + location() + " and decide again",
                    ExitCodes.CONFLICT,
                    e);
        }
    }

    /** The pool's route for an alias: the versions and the canary's weight; the pool keeps no previous version. */
    static AliasRoute route(AliasState alias) {
        try {
            long version = Long.parseLong(alias.version());
            if (!alias.hasCanary()) return AliasRoute.to(version);
            return new AliasRoute(version, Long.parseLong(alias.canaryVersion()), alias.canaryWeight());
        } catch (IllegalArgumentException e) {
            throw new UserError("alias '" + alias.name() + "' cannot route to " + alias.describe()
                    + " on the GPU pool: " + e.getMessage() + "; pool versions are positive numbers");
        }
    }

    static AliasState state(String name, AliasRoute route) {
        Long canary = route.additionalVersion();
        return new AliasState(
                name,
                Long.toString(route.version()),
                canary == null ? null : canary.toString(),
                canary == null ? 0 : route.additionalWeight(),
                null);
    }

    @Override
    public void close() {
        store.close();
    }
}
