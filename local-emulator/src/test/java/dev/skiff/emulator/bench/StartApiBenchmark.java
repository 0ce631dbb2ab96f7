package dev.skiff.emulator.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.httpapi.HttpApiEndpoint;
import dev.skiff.emulator.httpapi.RouteTable;
import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.support.Templates;
import dev.skiff.emulator.support.TestFunctionPackage;
import dev.skiff.emulator.testfunctions.ScriptedHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test: measures a warm request through {@code start-api} (HTTP client -> HTTP API ->
 * Runtime API -> environment process -> back) against the same handler called in-process with the
 * same event, p50 and p99 side by side; then the cold start of fresh environments as REPORT shows it.
 *
 * <pre>bin/run-main local-emulator dev.skiff.emulator.bench.StartApiBenchmark [2000]</pre>
 */
public final class StartApiBenchmark {

    private static final Pattern INIT_DURATION = Pattern.compile("Init Duration: ([0-9.]+) ms");
    private static final String BODY =
            "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}";

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warmup = Math.max(200, requests / 4);
        Path directory = Files.createTempDirectory("skiff-bench");
        TestFunctionPackage.javaPackage(directory.resolve("code"), "bench");
        Path template = Templates.write(directory, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Bench:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: %s
                      CodeUri: code
                      MemorySize: 1024
                      Events:
                        Infer: {Type: HttpApi, Properties: {Path: '/v2/models/{model}/infer', Method: POST}}
                """.formatted(Templates.HANDLER));
        List<String> log = new CopyOnWriteArrayList<>();
        LogSink quiet = (function, line) -> log.add(line);

        PrintStream console = System.out;
        byte[] event;
        double[] throughApi;
        double[] throughRuntimeApi;
        double[] httpOnly;
        double[] endpointOnly;
        List<Double> coldStarts = new ArrayList<>();
        try (Emulator emulator = Emulator.start(
                Emulator.Options.defaults(template).withPorts(0, -1).withLog(quiet))) {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + emulator.apiPort() + "/v2/models/bench/infer?cmd=act:raw"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY))
                    .build();
            event = http.send(request, HttpResponse.BodyHandlers.ofByteArray())
                    .body(); // the event, as the handler got it
            // a minimal keep-alive HTTP/1.1 client, so that the figures are the emulator's, not a client library's
            KeepAliveClient client = new KeepAliveClient(emulator.apiPort());
            throughApi = measure(requests, warmup, () -> client.post("/v2/models/bench/infer?cmd=act:raw", BODY, 200));
            httpOnly = measure(requests, warmup, () -> client.post("/unrouted", BODY, 404));
            client.close();
            HttpApiEndpoint endpoint =
                    new HttpApiEndpoint(new RouteTable(emulator.template().routes()), emulator.invoker(), quiet);
            HttpCall call = new HttpCall(
                    "POST",
                    "/v2/models/bench/infer",
                    "/v2/models/bench/infer",
                    "cmd=act:raw",
                    Map.of("Content-Type", List.of("application/json"), "Host", List.of("127.0.0.1")),
                    BODY.getBytes(StandardCharsets.UTF_8),
                    "127.0.0.1",
                    "HTTP/1.1");
            endpointOnly = measure(requests, warmup, () -> endpoint.handle(call).get());
            byte[] sameEvent = event;
            throughRuntimeApi = measure(
                    requests,
                    warmup,
                    () -> emulator.invoker()
                            .invoke("Bench", null, sameEvent, null)
                            .get());
            for (int i = 0; i < 5; i++) { // fresh environments: recycle the warm one, then one request each
                emulator.registry().find("Bench").function().pool().codeChanged();
                http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            }
            for (String line : log) {
                Matcher matcher = INIT_DURATION.matcher(line);
                if (line.startsWith("REPORT") && matcher.find()) {
                    coldStarts.add(Double.parseDouble(matcher.group(1)));
                }
            }
        }

        // the same handler and event in this JVM, its output going to a file as an environment's does
        ScriptedHandler handler = new ScriptedHandler();
        Path handlerLog = directory.resolve("in-process.log");
        double[] inProcess;
        try (PrintStream toFile =
                new PrintStream(new FileOutputStream(handlerLog.toFile()), true, StandardCharsets.UTF_8)) {
            System.setOut(toFile);
            inProcess = measure(requests, warmup, () -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(new ByteArrayInputStream(event), out, new BenchContext(toFile));
            });
        } finally {
            System.setOut(console);
        }

        System.out.printf("%d warm requests after %d warm-up, same handler and event (ms)%n", requests, warmup);
        System.out.printf("%-28s %8s %8s%n", "", "p50", "p99");
        System.out.printf(
                "%-28s %8.3f %8.3f%n", "in-process handler call", percentile(inProcess, 50), percentile(inProcess, 99));
        System.out.printf(
                "%-28s %8.3f %8.3f%n",
                "Invoker -> Runtime API", percentile(throughRuntimeApi, 50), percentile(throughRuntimeApi, 99));
        System.out.printf(
                "%-28s %8.3f %8.3f%n",
                "HTTP only (404, no function)", percentile(httpOnly, 50), percentile(httpOnly, 99));
        System.out.printf(
                "%-28s %8.3f %8.3f%n",
                "HTTP API endpoint, no socket", percentile(endpointOnly, 50), percentile(endpointOnly, 99));
        System.out.printf(
                "%-28s %8.3f %8.3f%n", "through start-api", percentile(throughApi, 50), percentile(throughApi, 99));
        System.out.printf(
                "%-28s %8.3f %8.3f%n",
                "added by the emulator",
                percentile(throughApi, 50) - percentile(inProcess, 50),
                percentile(throughApi, 99) - percentile(inProcess, 99));
        System.out.printf("cold start (REPORT Init Duration, ms): %s%n", coldStarts);
    }

    /** One connection, requests written and responses read by hand: no client threads in the way. */
    private static final class KeepAliveClient implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.BufferedInputStream in;
        private final java.io.OutputStream out;

        KeepAliveClient(int port) throws java.io.IOException {
            socket = new java.net.Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void post(String path, String body, int expectedStatus) throws java.io.IOException {
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            out.write(("POST " + path
                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                            + content.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            String status = line();
            int length = 0;
            for (String header = line(); !header.isEmpty(); header = line()) {
                if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            in.readNBytes(length);
            if (!status.startsWith("HTTP/1.1 " + expectedStatus)) {
                throw new IllegalStateException(status);
            }
        }

        private String line() throws java.io.IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException();
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static double[] measure(int requests, int warmup, Call call) throws Exception {
        for (int i = 0; i < warmup; i++) {
            call.run();
        }
        double[] millis = new double[requests];
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            call.run();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return millis;
    }

    private static double percentile(double[] values, int percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }

    /** The Context an environment's handler gets, minus what the benchmark does not read. */
    private record BenchContext(PrintStream out) implements Context {
        public String getAwsRequestId() {
            return "bench";
        }

        public String getLogGroupName() {
            return "/aws/lambda/Bench";
        }

        public String getLogStreamName() {
            return "bench";
        }

        public String getFunctionName() {
            return "Bench";
        }

        public String getFunctionVersion() {
            return "$LATEST";
        }

        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:Bench";
        }

        public CognitoIdentity getIdentity() {
            return null;
        }

        public ClientContext getClientContext() {
            return null;
        }

        public int getRemainingTimeInMillis() {
            return 3000;
        }

        public int getMemoryLimitInMB() {
            return 1024;
        }

        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                public void log(String message) {
                    out.print(message);
                }

                public void log(byte[] message) {
                    out.print(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
