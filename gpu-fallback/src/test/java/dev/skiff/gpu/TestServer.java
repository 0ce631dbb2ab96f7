package dev.skiff.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.protocol.BinaryData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A GpuServer on the CPU provider and an ephemeral loopback port, its log captured (the request
 * lines and, through {@link ServerLogCapture}, the server's own), and a client for it. Public for the
 * tests module's pool-versus-Lambda parity test.
 */
public final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final GpuServer server;
    private final ByteArrayOutputStream log;
    private final ServerLogCapture capture; // null where logback is not the SLF4J backend
    private final Client client;
    private final Client management; // null with --management off

    private TestServer(GpuServer server, ByteArrayOutputStream log, ServerLogCapture capture) {
        this.server = server;
        this.log = log;
        this.capture = capture;
        this.client = new Client(server.port());
        this.management = server.managementPort() < 0 ? null : new Client(server.managementPort());
    }

    /** @param extraArgs more flags, such as "--aliases", file */
    public static TestServer start(Path models, String... extraArgs) throws Exception {
        return start(models.toString(), extraArgs);
    }

    /** @param repository a directory, or an s3:// store (give "--store-endpoint" in extraArgs) */
    public static TestServer start(String repository, String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--models", repository, "--port", "0", "--management-port", "0", "--execution-provider", "cpu"));
        args.addAll(List.of(extraArgs));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream requestLines = new PrintStream(log, true, StandardCharsets.UTF_8);
        ServerLogCapture capture = ServerLogCapture.into(log);
        try {
            ServerOptions options = ServerCommand.parse(args.toArray(String[]::new), Map.of());
            return new TestServer(GpuServer.start(options, requestLines), log, capture);
        } catch (Exception | Error e) {
            if (capture != null) capture.close();
            throw e;
        }
    }

    /** The serving port, for clients other than {@link #send}. */
    public int port() {
        return server.port();
    }

    /** The server's lines and the request lines, in the order written. */
    public String log() {
        synchronized (log) {
            return log.toString(StandardCharsets.UTF_8);
        }
    }

    public record Reply(int status, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase());
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + text(), e);
            }
        }
    }

    public Reply get(String path) {
        return send("GET", path, null);
    }

    public Reply post(String path, String body) {
        return send("POST", path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    public Reply send(String method, String path, byte[] body) {
        return client.send(method, path, body);
    }

    /** A POST in the binary data extension's form: its JSON part's length in Inference-Header-Content-Length. */
    public Reply sendBinary(String path, BinaryData.Body body) {
        return client.send("POST", path, body.bytes(), body.headerLength());
    }

    /** The gRPC listener's port; -1 without --grpc-port. */
    public int grpcPort() {
        return server.grpcPort();
    }

    /** A request to the management listener (/v2/repository). */
    public Reply manage(String method, String path, String body) {
        if (management == null) throw new IllegalStateException("this server runs with --management off");
        return management.send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** An HTTP/1.1 client for a server on a loopback port. */
    static final class Client {
        private final int port;
        private final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        Client(int port) {
            this.port = port;
        }

        Reply send(String method, String path, byte[] body) {
            return send(method, path, body, BinaryData.NONE);
        }

        Reply send(String method, String path, byte[] body, int inferenceHeaderLength) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            if (inferenceHeaderLength != BinaryData.NONE) {
                request.header("content-type", BinaryData.CONTENT_TYPE);
                request.header(BinaryData.HEADER, Integer.toString(inferenceHeaderLength));
            } else if (body != null) request.header("content-type", "application/json");
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                return new Reply(response.statusCode(), response.headers().map(), response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + path, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            if (capture != null) capture.close();
        }
    }
}
