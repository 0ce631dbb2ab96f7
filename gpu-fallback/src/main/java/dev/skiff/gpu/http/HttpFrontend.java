package dev.skiff.gpu.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The Jetty server and its one connector. */
public final class HttpFrontend implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    private HttpFrontend(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** @param port 0 for an ephemeral port */
    public static HttpFrontend start(String host, int port, Handler handler) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("http");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // no "Server: Jetty(x.y)" on answers
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(60_000);
        server.addConnector(connector);
        server.setHandler(handler);
        server.setStopTimeout(2_000); // requests are drained before stop; this only bounds closing connections
        server.start();
        return new HttpFrontend(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
