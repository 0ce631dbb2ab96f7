package dev.skiff.gpu;

import dev.skiff.gpu.provider.ExecutionProviderSelector.Preference;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How the server is started, as {@link ServerCommand} reads it from flags and environment variables.
 *
 * @param models        the directory served: the repository itself, or where an s3:// store is synced to
 *                      (null: a new temporary directory)
 * @param store         the shared model store (s3://bucket/prefix), or null for a directory served in place
 * @param storeEndpoint an S3-compatible endpoint instead of AWS's, or null
 * @param stackModels   every model of the deployed stack, which an unknown model's 404 lists; empty for
 *                      the server's own
 */
public record ServerOptions(
        Path models,
        Set<String> only,
        String host,
        int port,
        Preference executionProvider,
        int cudaDevice,
        boolean batching,
        Path aliasesFile,
        Duration pollInterval,
        Duration drainTimeout,
        int maxBodyBytes,
        boolean management,
        String managementHost,
        int managementPort,
        boolean strictReadiness,
        int grpcPort,
        String store,
        URI storeEndpoint,
        List<String> stackModels) {

    /** {@link #grpcPort} when the protocol's gRPC listener is off. */
    public static final int GRPC_OFF = -1;

    /** The same options with another port and batching switch (tests and the benchmark). */
    public ServerOptions with(int newPort, boolean newBatching) {
        return new ServerOptions(
                models,
                only,
                host,
                newPort,
                executionProvider,
                cudaDevice,
                newBatching,
                aliasesFile,
                pollInterval,
                drainTimeout,
                maxBodyBytes,
                management,
                managementHost,
                managementPort,
                strictReadiness,
                grpcPort,
                store,
                storeEndpoint,
                stackModels);
    }
}
