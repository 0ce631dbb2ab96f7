package dev.skiff.deployer.release;

import dev.skiff.deployer.aws.AwsClients;
import dev.skiff.store.ModelStore;

import java.nio.file.Path;

/** The GPU pool's model store as the deployer reaches it: S3 through --profile, --region and --endpoint-url, or a directory. */
public final class PoolStores {
    private PoolStores() {}

    /** @param location s3://bucket/prefix, or a directory (a local pool's store) */
    public static ModelStore open(String location, AwsClients clients) {
        if (location.startsWith("s3://")) return ModelStore.s3(clients.s3(), location);
        return ModelStore.directory(Path.of(location));
    }
}
