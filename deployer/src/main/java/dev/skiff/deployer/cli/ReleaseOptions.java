package dev.skiff.deployer.cli;

import dev.skiff.deployer.aws.AwsClients;
import dev.skiff.deployer.aws.AwsSettings;
import dev.skiff.deployer.release.LambdaFunctions;
import dev.skiff.deployer.release.LambdaReleaseChannel;
import dev.skiff.deployer.release.PoolReleaseChannel;
import dev.skiff.deployer.release.PoolStores;
import dev.skiff.deployer.release.ReleaseChannel;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** How promote, rollback and status find a model: its Lambda function, or the GPU pool. */
public final class ReleaseOptions {
    @Mixin
    AwsOptions aws;

    @Option(names = "--stack", description = "only the functions of this stack")
    String stack;

    @Option(
            names = "--function",
            description = "the model's Lambda function, when it cannot be found by its SKIFF_MODELS")
    String function;

    @Option(
            names = "--pool-store",
            paramLabel = "s3://BUCKET/PREFIX",
            description = "the GPU pool's model store (the stack's PoolStoreBucket and PoolStorePrefix, or a "
                    + "directory): the model runs on the pool, whose every task syncs its versions and aliases from it")
    String poolStore;

    @Option(
            names = "--local",
            description = "the model's function in a running `skiff local start-api` or `start-lambda`: its Lambda API "
                    + "at --endpoint-url (default http://127.0.0.1:3001), no AWS credentials needed")
    boolean local;

    /** AWS, or the local emulator's Lambda API with --local. */
    AwsClients clients() {
        return local ? new AwsClients(AwsSettings.local(aws.endpoint, aws.region)) : aws.clients();
    }

    /** The model's channel, to close; the Lambda client is the caller's to close. */
    ReleaseChannel channel(String model, LambdaClient lambda) {
        if (poolStore != null) return new PoolReleaseChannel(PoolStores.open(poolStore, aws.clients()), model);
        return new LambdaReleaseChannel(lambda, function != null ? function : LambdaFunctions.of(lambda, model, stack));
    }
}
