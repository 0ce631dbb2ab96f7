package dev.skiff.deployer.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.cli.SkiffCli;
import dev.skiff.deployer.packaging.Architecture;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.deployer.testing.Examples;
import dev.skiff.deployer.testing.FraudPackages;
import dev.skiff.deployer.testing.LocalLambda;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The local release loop a user runs: {@code skiff deploy --local} with a retrained model, {@code
 * skiff promote --canary 20 --local}, and real traffic through the HTTP API split between two
 * different models; a published version keeps its model when $LATEST changes again.
 */
class LocalReleaseLoopTest {
    static final String FUNCTION = "FraudFunction";
    static final int REQUESTS = 2500;

    @TempDir
    static Path dir;

    static LocalLambda local;
    static final HttpClient http = HttpClient.newHttpClient();
    static String request;

    @BeforeAll
    static void start() throws Exception {
        request = Files.readString(Examples.models().resolveSibling("requests").resolve("fraud.json"));
        Files.createDirectories(dir.resolve("emulator"));
        local = LocalLambda.start(
                FraudPackages.of(Architecture.ofThisMachine()), dir.resolve("emulator"), (f, line) -> {}, true);
    }

    @AfterAll
    static void stop() {
        if (local != null) local.close();
    }

    @Test
    void aRetrainedModelTakesItsCanaryShareAndVersionOneKeepsItsModel() throws Exception {
        String versionOneDirect = direct("1");

        // version 2 of the model: the example trainer with another seed, beside version 1
        Path fraud = repository("retrained", Examples.models().resolve("fraud/1/model.onnx"));
        Files.createDirectories(fraud.resolve("2"));
        Files.copy(Examples.retrainedFraud(), fraud.resolve("2/model.onnx"));
        // a function configured off the plan (an older template, a hand edit): deploy --local applies the plan's
        local.lambda()
                .updateFunctionConfiguration(
                        b -> b.functionName(FUNCTION).memorySize(3008).timeout(7));
        String deployed = skiff(
                "deploy",
                "--local",
                fraud.toString(),
                "--package-dir",
                dir.resolve("pkg").toString());
        PackagedModel planned =
                PackageManifest.read(dir.resolve("pkg/local")).models().get(0);
        GetFunctionConfigurationResponse versionTwo = local.lambda()
                .getFunctionConfiguration(b -> b.functionName(FUNCTION).qualifier("2"));
        assertEquals(planned.memoryMb(), versionTwo.memorySize(), "the plan's MemorySize");
        assertEquals(planned.timeoutSeconds(), versionTwo.timeout(), "the plan's Timeout");
        assertNotEquals(3008, versionTwo.memorySize());
        assertTrue(deployed.contains("fraud: FraudFunction version 2 published"), deployed);
        assertTrue(deployed.contains("model versions 1, 2"), deployed);
        assertTrue(deployed.contains("fraud lambda: alias canary 1 -> 2"), deployed);

        String promoted = skiff("promote", "fraud", "--to", "2", "--canary", "20", "--local");
        assertTrue(promoted.contains("fraud lambda: alias live 1 -> 1 (80%) + 2 (20%)"), promoted);
        assertTrue(skiff("status", "fraud", "--local").contains("1 (80%) + 2 (20%)"));

        Traffic traffic = liveTraffic(REQUESTS);
        Map<String, Set<String>> bodies = traffic.bodies();
        int canary = traffic.count("2");
        // 20% of 2,500 is 500 with a standard deviation of 20: 400..600, the 20 ± 4 %, is ± 5 of them,
        // so a right split never fails by chance (at 1,000 requests ± 4 % was ± 3.2: once in 600 runs)
        assertTrue(canary >= 400 && canary <= 600, "model version 2 answered " + canary + " of " + REQUESTS);
        assertEquals(REQUESTS, traffic.count("1") + canary, traffic.counts().toString());
        assertEquals(1, bodies.get("1").size(), "one model, one answer: " + bodies.get("1"));
        assertEquals(1, bodies.get("2").size(), "one model, one answer: " + bodies.get("2"));
        assertNotEquals(
                probabilities(bodies.get("1").iterator().next()),
                probabilities(bodies.get("2").iterator().next()),
                "the retrained model answers other probabilities");

        // $LATEST edited again: version 1's place in the repository now holds the retrained model
        Path edited = repository("edited", Examples.retrainedFraud());
        assertTrue(skiff(
                        "deploy",
                        "--local",
                        edited.toString(),
                        "--package-dir",
                        dir.resolve("pkg2").toString())
                .contains("FraudFunction version 3 published"));
        assertNotEquals(versionOneDirect, direct("$LATEST"), "$LATEST runs the edit");
        assertEquals(versionOneDirect, direct("1"), "version 1 runs the code it was published with");
        Map<String, Set<String>> after = liveTraffic(100).bodies();
        assertEquals(bodies.get("1"), after.get("1"), "live's version 1 answers as before");
        assertEquals(bodies.get("2"), after.get("2"), "live's version 2 answers as before");
    }

    /** A fraud model directory with config.json and {@code modelOne} as version 1. */
    static Path repository(String name, Path modelOne) throws Exception {
        Path fraud = dir.resolve(name).resolve("fraud");
        Files.createDirectories(fraud.resolve("1"));
        Files.copy(Examples.models().resolve("fraud/config.json"), fraud.resolve("config.json"));
        Files.copy(modelOne, fraud.resolve("1/model.onnx"));
        return fraud;
    }

    /** What n requests through the HTTP API's live route got, by x-skiff-model-version: how many, which bodies. */
    record Traffic(Map<String, Integer> counts, Map<String, Set<String>> bodies) {
        int count(String version) {
            return counts.getOrDefault(version, 0);
        }
    }

    static Traffic liveTraffic(int n) throws Exception {
        Traffic traffic = new Traffic(new TreeMap<>(), new TreeMap<>());
        HttpRequest infer = HttpRequest.newBuilder(URI.create(local.apiEndpoint() + "/v2/models/fraud/infer"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request))
                .build();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = http.send(infer, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            String version =
                    response.headers().firstValue("x-skiff-model-version").orElse("none");
            traffic.counts().merge(version, 1, Integer::sum);
            traffic.bodies().computeIfAbsent(version, v -> new TreeSet<>()).add(response.body());
        }
        return traffic;
    }

    /** The outputs' data arrays: what differs between two models, whatever their version fields say. */
    static String probabilities(String body) {
        return body.replaceAll("\"model_version\"\\s*:\\s*\"[^\"]*\"", "");
    }

    static String direct(String qualifier) {
        InvokeResponse response = local.invoke(FUNCTION, qualifier, LocalLambda.FRAUD_REQUEST);
        assertNull(response.functionError(), response.payload().asUtf8String());
        return probabilities(response.payload().asUtf8String());
    }

    @Test
    void modelDirectoriesWithoutLocalAreAnInputError() {
        Run run = run("deploy", Examples.models().resolve("fraud").toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("model directories are for --local"), run.err());
    }

    @Test
    void withNoEmulatorAnsweringDeployLocalSaysSoBeforePackaging() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path packages = dir.resolve("not-packaged");
        Run run = run(
                "deploy",
                "--local",
                Examples.models().resolve("fraud").toString(),
                "--package-dir",
                packages.toString(),
                "--endpoint-url",
                "http://127.0.0.1:" + closedPort);
        assertEquals(3, run.code(), run.err());
        assertTrue(run.err().contains("cannot connect") && run.err().contains("--endpoint-url"), run.err());
        assertFalse(Files.exists(packages.resolve("local")), "nothing is packaged for an emulator that is not there");
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = SkiffCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** skiff against this test's emulator; it must succeed. */
    static String skiff(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--endpoint-url";
        all[args.length + 1] = local.endpoint();
        Run run = run(all);
        assertEquals(0, run.code(), "skiff " + String.join(" ", args) + ": " + run.err());
        return run.out();
    }
}
