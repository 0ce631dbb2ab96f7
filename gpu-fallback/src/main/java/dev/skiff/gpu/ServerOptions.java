package dev.skiff.gpu;

import dev.skiff.gpu.provider.ExecutionProviderSelector.Preference;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** How the server is started, as {@link ServerCommand} reads it from flags and environment variables. */
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
        int grpcPort) {

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
                grpcPort);
    }
}
