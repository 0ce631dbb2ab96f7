package dev.skiff.gpu.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** The gRPC listener: Netty (grpc-java's shaded copy), calls answered on the given executor. */
public final class GrpcFrontend implements AutoCloseable {
    private final Server server;

    private GrpcFrontend(Server server) {
        this.server = server;
    }

    /**
     * @param port         0 for an ephemeral port
     * @param executor     where calls run: they may wait for their batch, so virtual threads
     * @param maxBodyBytes the largest request message, as REST's body limit
     */
    public static GrpcFrontend start(
            String host, int port, BindableService service, Executor executor, int maxBodyBytes) throws IOException {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .addService(service)
                .executor(executor)
                .maxInboundMessageSize(maxBodyBytes)
                .build()
                .start();
        return new GrpcFrontend(server);
    }

    public int port() {
        return server.getPort();
    }

    /** Stops taking calls and waits a little for those running (they were drained before). */
    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) server.shutdownNow();
    }
}
