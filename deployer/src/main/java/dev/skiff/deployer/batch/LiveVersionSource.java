package dev.skiff.deployer.batch;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.store.ModelStore;

import java.util.List;

/**
 * Where a stack's live version is read, for a batch execution's name: the state machine scores with
 * live, so what live is now names the execution, and a rerun after a promotion is a new execution.
 */
public sealed interface LiveVersionSource {
    /** The version live names now. */
    String live(StackBatchRun.Clients clients, String model);

    /** A model on Lambda: its function's live alias (GetAlias). */
    record LambdaAlias(String functionName) implements LiveVersionSource {
        @Override
        public String live(StackBatchRun.Clients clients, String model) {
            return clients.lambda()
                    .getAlias(b -> b.functionName(functionName).name("live"))
                    .functionVersion();
        }
    }

    /**
     * A model on the GPU pool with a shared model store: the store's alias document, as the pool's
     * tasks read it; where it sets no live alias, live is the highest published version, as the
     * pool's batch route takes it.
     *
     * @param location s3://bucket/prefix, the stack's PoolStore output
     */
    record PoolStore(String location) implements LiveVersionSource {
        @Override
        public String live(StackBatchRun.Clients clients, String model) {
            // the store reads through the run's S3 client, which Clients closes: the store is not closed here
            ModelStore store = ModelStore.s3(clients.s3(), location);
            AliasRoute route = store.aliases().document().route(model, "live");
            if (route != null) return Long.toString(route.version());
            List<Long> versions = store.versions(model);
            if (versions.isEmpty()) {
                throw new UserError("model '" + model + "' has no live alias and no version in the GPU pool's store "
                        + location + "; skiff deploy --pool-store publishes versions, skiff promote sets aliases");
            }
            return Long.toString(versions.getLast());
        }
    }

    /**
     * A model on the GPU pool without a store: the pool serves the versions in its image. The image's
     * tag can be moved to a new image (latest is), so the task definition's revision, which every
     * deploy that changes the image makes anew, names it too.
     *
     * @param taskDefinitionRevision the number after the last ':' of GpuPoolTaskDefinition's ARN
     */
    record PoolImage(String imageTag, String taskDefinitionRevision) implements LiveVersionSource {
        @Override
        public String live(StackBatchRun.Clients clients, String model) {
            return "image-" + imageTag + "-r" + taskDefinitionRevision;
        }
    }
}
