package dev.skiff.deployer.batch;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.store.ModelStore;

import java.util.List;

/**
 * Where the version behind an alias is read, for a batch execution's name: what the state machine
 * scores with is what names it, so a rerun after a promotion is a new execution.
 */
public sealed interface ServedVersion {
    /** The version {@code alias} (or a version number) names now. */
    String of(StackBatchRun.Clients clients, String model, String alias);

    /** A model on Lambda: its function's alias (GetAlias). */
    record LambdaAlias(String functionName) implements ServedVersion {
        @Override
        public String of(StackBatchRun.Clients clients, String model, String alias) {
            return clients.lambda()
                    .getAlias(b -> b.functionName(functionName).name(alias))
                    .functionVersion();
        }
    }

    /**
     * A model on the GPU pool with a shared model store: the store's alias document, as the pool's
     * tasks read it; where it sets no such alias, live is the highest published version, as the
     * pool's batch route takes it.
     *
     * @param location s3://bucket/prefix, the stack's PoolStore output
     */
    record PoolStore(String location) implements ServedVersion {
        @Override
        public String of(StackBatchRun.Clients clients, String model, String alias) {
            if (alias.chars().allMatch(Character::isDigit)) return alias;
            // the store reads through the run's S3 client, which Clients closes: the store is not closed here
            ModelStore store = ModelStore.s3(clients.s3(), location);
            AliasRoute route = store.aliases().document().route(model, alias);
            if (route != null) return Long.toString(route.version());
            List<Long> versions = "live".equals(alias) ? store.versions(model) : List.of();
            if (versions.isEmpty()) {
                throw new UserError("model '" + model + "' has no alias '" + alias + "'"
                        + ("live".equals(alias) ? " and no version" : "") + " in the GPU pool's store " + location
                        + "; skiff deploy --pool-store publishes versions, skiff promote sets aliases");
            }
            return Long.toString(versions.getLast());
        }
    }

    /**
     * A model on the GPU pool without a store: the pool serves the versions in its image, so the
     * image's tag stands for the version (a new image is a new execution).
     */
    record PoolImage(String imageTag) implements ServedVersion {
        @Override
        public String of(StackBatchRun.Clients clients, String model, String alias) {
            return "image-" + imageTag;
        }
    }
}
