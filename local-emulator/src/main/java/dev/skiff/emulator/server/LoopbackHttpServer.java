package dev.skiff.emulator.server;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * A Jetty server for one {@link HttpEndpoint}: reads each request body without blocking a thread,
 * lets the endpoint answer whenever it is ready, and turns any failure into the endpoint's
 * error reply, so nothing a client sends can take the server down.
 */
public final class LoopbackHttpServer implements AutoCloseable {

    /** The most a server reads of one body unless its endpoint says otherwise; endpoints apply their own limits. */
    public static final int MAX_BODY_BYTES = 20 * 1024 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final String name;

    private LoopbackHttpServer(String name, Server server, ServerConnector connector) {
        this.name = name;
        this.server = server;
        this.connector = connector;
    }

    /**
     * @param idleTimeoutMillis how long a connection may stay silent: long for Runtime API polls
     */
    public static LoopbackHttpServer start(
            String name, String host, int port, long idleTimeoutMillis, HttpEndpoint endpoint) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName(name);
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // API Gateway and Lambda send no Server header
        // %2F and friends reach the endpoint, which answers them as the service would, not Jetty's 400 page
        http.setUriCompliance(UriCompliance.DEFAULT.with(
                "skiff",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
                UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeoutMillis);
        connector.setReuseAddress(true);
        server.addConnector(connector);
        server.setHandler(new EndpointHandler(name, endpoint));
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(1000);
        server.start();
        return new LoopbackHttpServer(name, server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println(name + ": error while stopping: " + e);
        }
    }

    /** Non-blocking: endpoints answer through futures, so Jetty may run them without a thread hand-off. */
    private static final class EndpointHandler extends Handler.Abstract.NonBlocking {
        private final String name;
        private final HttpEndpoint endpoint;

        EndpointHandler(String name, HttpEndpoint endpoint) {
            this.name = name;
            this.endpoint = endpoint;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Content.Source.asByteArrayAsync(request, endpoint.maxBodyBytes())
                    .thenCompose(body -> endpoint.handle(call(request, body)))
                    .exceptionally(error -> replyFor(error))
                    .thenAccept(reply -> send(reply, response, callback))
                    .exceptionally(error -> {
                        callback.failed(error);
                        return null;
                    });
            return true;
        }

        private HttpReply replyFor(Throwable error) {
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof IllegalArgumentException
                    && String.valueOf(cause.getMessage()).contains("too large")) {
                return endpoint.bodyTooLarge(endpoint.maxBodyBytes());
            }
            System.err.println(name + ": request failed: " + cause);
            return endpoint.internalError(cause);
        }

        private static HttpCall call(Request request, byte[] body) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            HttpFields fields = request.getHeaders();
            for (HttpField field : fields) {
                headers.computeIfAbsent(field.getName(), n -> new ArrayList<>()).add(field.getValue());
            }
            return new HttpCall(
                    request.getMethod(),
                    request.getHttpURI().getPath(),
                    request.getHttpURI().getDecodedPath(),
                    request.getHttpURI().getQuery(),
                    headers,
                    body,
                    Request.getRemoteAddr(request),
                    request.getConnectionMetaData().getProtocol());
        }

        private static void send(HttpReply reply, Response response, Callback callback) {
            response.setStatus(reply.status());
            reply.headers()
                    .forEach((headerName, values) ->
                            values.forEach(v -> response.getHeaders().add(headerName, v)));
            response.getHeaders().put("Content-Length", String.valueOf(reply.body().length));
            response.write(true, java.nio.ByteBuffer.wrap(reply.body()), callback);
        }
    }
}
