package dev.skiff.emulator.bench;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.auth.AuthMode;
import dev.skiff.emulator.auth.AuthOutcome;
import dev.skiff.emulator.auth.AuthSettings;
import dev.skiff.emulator.auth.IamCredential;
import dev.skiff.emulator.auth.LocalIssuer;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.support.Templates;
import dev.skiff.emulator.support.TestFunctionPackage;
import dev.skiff.emulator.template.HttpRoute;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Not a test: what authorization adds to a warm request through {@code start-api}. One run, requests
 * interleaved round-robin over four targets served by the same kind of function: an emulator with
 * {@code --auth off}, and one with {@code --auth enforce} on a NONE route, a JWT route (local issuer,
 * keys cached) and an AWS_IAM route (SigV4 recomputed by the SDK's signer). Then the two checks alone,
 * in-process, without socket or function.
 *
 * <pre>bin/run-main local-emulator dev.skiff.emulator.bench.AuthOverheadBenchmark [2000]</pre>
 */
public final class AuthOverheadBenchmark {

    private static final String BODY =
            "{\"inputs\":[{\"name\":\"features\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}";
    private static final IamCredential KEY = new IamCredential("AKIDBENCHEXAMPLE", "bench-secret", null, "bench");

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warmup = Math.max(300, requests / 4);
        Path directory = Files.createTempDirectory("skiff-auth-bench");
        TestFunctionPackage.javaPackage(directory.resolve("code"), "bench");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String issuerUrl = LocalIssuer.url("127.0.0.1", port);
        Path template = Templates.write(directory, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      Auth:
                        Authorizers:
                          Local: {JwtConfiguration: {issuer: '%s', audience: [skiff-local]}}
                  Bench:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: %s
                      CodeUri: code
                      MemorySize: 1024
                      Events:
                        Open: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /none, Method: POST}}
                        Jwt:
                          Type: HttpApi
                          Properties: {ApiId: !Ref Api, Path: /jwt, Method: POST, Auth: {Authorizer: Local}}
                        Iam:
                          Type: HttpApi
                          Properties: {ApiId: !Ref Api, Path: /iam, Method: POST, Auth: {Authorizer: AWS_IAM}}
                """.formatted(issuerUrl, Templates.HANDLER));
        LogSink quiet = (function, line) -> {};
        AuthSettings auth = AuthSettings.defaults()
                .withLocalIssuer(directory.resolve("issuer"))
                .withCredentials(List.of(KEY));
        String token = new LocalIssuer(directory.resolve("issuer"))
                .mint(new JWTClaimsSet.Builder()
                        .issuer(issuerUrl)
                        .audience("skiff-local")
                        .subject("bench")
                        .issueTime(new Date())
                        .expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                        .build());

        Map<String, List<Double>> millis = new LinkedHashMap<>();
        try (Emulator enforce = Emulator.start(Emulator.Options.defaults(template)
                        .withPorts(port, -1)
                        .withLog(quiet)
                        .withAuth(auth.withMode(AuthMode.ENFORCE)));
                Emulator off = Emulator.start(Emulator.Options.defaults(template)
                        .withPorts(0, -1)
                        .withLog(quiet)
                        .withAuth(auth.withMode(AuthMode.OFF)));
                Client offClient = new Client(off.apiPort());
                Client enforceClient = new Client(enforce.apiPort())) {
            Map<String, Runnable> targets = new LinkedHashMap<>();
            targets.put("--auth off (IAM route, unsigned)", () -> offClient.post("/iam", Map.of()));
            targets.put("enforce, NONE route", () -> enforceClient.post("/none", Map.of()));
            Map<String, String> bearer = Map.of("Authorization", "Bearer " + token);
            targets.put("enforce, JWT route", () -> enforceClient.post("/jwt", bearer));
            List<Map<String, String>> signatures = new ArrayList<>();
            targets.put(
                    "enforce, AWS_IAM route",
                    () -> enforceClient.post("/iam", signatures.remove(signatures.size() - 1)));
            targets.keySet().forEach(name -> millis.put(name, new ArrayList<>()));
            for (int i = 0; i < warmup + requests; i++) {
                for (Map.Entry<String, Runnable> target : targets.entrySet()) {
                    if (target.getKey().contains("AWS_IAM")) {
                        signatures.add(signedHeaders(enforce.apiPort())); // signed outside the timing
                    }
                    long start = System.nanoTime();
                    target.getValue().run();
                    if (i >= warmup) {
                        millis.get(target.getKey()).add((System.nanoTime() - start) / 1e6);
                    }
                }
            }

            // the checks alone: the authorizer called as the endpoint calls it, with keys cached
            HttpRoute jwtRoute = route(enforce, "POST /jwt");
            HttpRoute iamRoute = route(enforce, "POST /iam");
            HttpCall jwtCall = call("/jwt", Map.of("Authorization", "Bearer " + token), enforce.apiPort());
            Map<String, Double> alone = new LinkedHashMap<>();
            alone.put(
                    "JWT check (cached keys)",
                    p50(measure(
                            requests,
                            warmup,
                            () -> jwtCall,
                            c -> allowed(enforce.authorizer()
                                    .authorize(c, jwtRoute.auth())
                                    .join()))));
            alone.put(
                    "SigV4 check",
                    p50(measure(
                            requests,
                            warmup,
                            () -> call("/iam", signedHeaders(enforce.apiPort()), enforce.apiPort()),
                            c -> allowed(enforce.authorizer()
                                    .authorize(c, iamRoute.auth())
                                    .join()))));

            double offP50 = p50(millis.get("--auth off (IAM route, unsigned)"));
            System.out.printf("%d warm requests per target after %d warm-up, interleaved (ms)%n", requests, warmup);
            System.out.printf("%-34s %8s %8s %14s%n", "", "p50", "p99", "p50 - off");
            millis.forEach((name, values) -> System.out.printf(
                    "%-34s %8.3f %8.3f %+14.3f%n", name, p50(values), percentile(values, 99), p50(values) - offP50));
            System.out.println("in-process, no socket or function (p50, ms):");
            alone.forEach((name, value) -> System.out.printf("  %-32s %8.4f%n", name, value));
        }
    }

    private static void allowed(AuthOutcome outcome) {
        if (outcome instanceof AuthOutcome.Refused refused) {
            throw new IllegalStateException("refused: " + refused.reason());
        }
    }

    private static HttpRoute route(Emulator emulator, String routeKey) {
        return emulator.template().routes().stream()
                .filter(r -> r.routeKey().equals(routeKey))
                .findFirst()
                .orElseThrow();
    }

    /** The headers the SDK v2 signer adds to a POST of BODY to /iam, signed now. */
    private static Map<String, String> signedHeaders(int port) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("http://127.0.0.1:" + port + "/iam"))
                .putHeader("Content-Type", "application/json")
                .build();
        AwsCredentialsIdentity keys = AwsCredentialsIdentity.create(KEY.accessKeyId(), KEY.secretAccessKey());
        SdkHttpRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(keys)
                        .request(request)
                        .payload(ContentStreamProvider.fromUtf8String(BODY))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"))
                .request();
        Map<String, String> headers = new LinkedHashMap<>();
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Type")) {
                headers.put(name, values.get(0));
            }
        });
        return headers;
    }

    private static HttpCall call(String path, Map<String, String> extra, int port) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("127.0.0.1:" + port));
        headers.put("Content-Type", List.of("application/json"));
        extra.forEach((name, value) -> headers.put(name, List.of(value)));
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        return new HttpCall("POST", path, path, null, headers, body, "127.0.0.1", "HTTP/1.1");
    }

    private interface Check {
        void run(HttpCall call) throws Exception;
    }

    private static List<Double> measure(int requests, int warmup, Supplier<HttpCall> calls, Check check)
            throws Exception {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < warmup + requests; i++) {
            HttpCall call = calls.get();
            long start = System.nanoTime();
            check.run(call);
            if (i >= warmup) {
                millis.add((System.nanoTime() - start) / 1e6);
            }
        }
        return millis;
    }

    private static double p50(List<Double> values) {
        return percentile(values, 50);
    }

    private static double percentile(List<Double> values, int percentile) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }

    /** One keep-alive HTTP/1.1 connection, written and read by hand, so the figures are the emulator's. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedInputStream in;
        private final OutputStream out;
        private final int port;

        Client(int port) throws IOException {
            this.port = port;
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void post(String path, Map<String, String> headers) {
            try {
                byte[] content = BODY.getBytes(StandardCharsets.UTF_8);
                StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\n");
                headers.forEach((name, value) ->
                        head.append(name).append(": ").append(value).append("\r\n"));
                out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                out.write(content);
                out.flush();
                String status = line();
                int length = 0;
                for (String header = line(); !header.isEmpty(); header = line()) {
                    if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(header.substring(15).trim());
                    }
                }
                byte[] body = in.readNBytes(length);
                if (!status.startsWith("HTTP/1.1 200")) {
                    String text = new String(body, StandardCharsets.UTF_8);
                    throw new IllegalStateException(path + ": " + status + " " + text);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException();
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
