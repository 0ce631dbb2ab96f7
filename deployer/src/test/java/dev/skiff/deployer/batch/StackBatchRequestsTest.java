package dev.skiff.deployer.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.skiff.deployer.aws.AwsClients;
import dev.skiff.deployer.aws.AwsSettings;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.store.Checksums;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * skiff batch --stack against one local HTTP server that records every request the AWS SDK
 * sends (Step Functions, S3, CloudFormation, Lambda) and answers with recorded responses. Each
 * request is checked field by field against the service's API reference, and the progress bar
 * is rendered from the recorded DescribeMapRun answers.
 */
class StackBatchRequestsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String STACK = "skiff-prod";
    static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:skiff-prod-FraudBatch";
    static final String BUCKET = "skiff-prod-batchbucket-1";
    static final String FUNCTION = "skiff-prod-FraudFunction-ABC";
    /** A model on the GPU pool alone: its machine invokes its batch invoker, its versions live in the pool's store. */
    static final String POOL_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:skiff-prod-LlmBatch";

    static final String POOL_STORE_BUCKET = "skiff-pool-store";
    static final long START = 1_767_225_600L; // 2026-01-01T00:00:00Z, as Step Functions writes dates

    record Recorded(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {
        String target() {
            return headers.getOrDefault("x-amz-target", "");
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        Map<String, String> form() {
            return StackBatchRequestsTest.query(new String(body, StandardCharsets.UTF_8));
        }
    }

    static HttpServer server;
    static final List<Recorded> requests = new ArrayList<>();
    /** Step Functions answers by operation, in the order they are asked for. */
    static final Map<String, ArrayDeque<String>> sfnAnswers = new ConcurrentHashMap<>();

    static final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    /** The stack's parameters, as DescribeStacks answers them: by default a pool with a store. */
    static final Map<String, String> stackParameters = new LinkedHashMap<>();
    /** CloudFormation's 400 answer to DescribeStackResource LlmFunction: by default, no such resource. */
    static String llmFunctionError;

    static final String NO_LLM_FUNCTION = "<Code>ValidationError</Code><Message>Resource LlmFunction does not exist "
            + "for stack " + STACK + "</Message>";
    static StackBatchRun.Clients clients;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", StackBatchRequestsTest::answer);
        server.start();
        System.setProperty("aws.accessKeyId", "AKIDTEST");
        System.setProperty("aws.secretAccessKey", "secret");
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        clients = new StackBatchRun.Clients(new AwsClients(new AwsSettings(null, "us-east-1", endpoint)));
    }

    @AfterAll
    static void stop() {
        clients.close();
        server.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @BeforeEach
    @AfterEach
    void reset() {
        synchronized (requests) {
            requests.clear();
        }
        sfnAnswers.clear();
        objects.clear();
        stackParameters.clear();
        stackParameters.put("PoolStoreBucket", POOL_STORE_BUCKET);
        stackParameters.put("PoolStorePrefix", "skiff-pool");
        llmFunctionError = NO_LLM_FUNCTION;
    }

    @Test
    void aRunSendsWhatTheApisTakeAndWritesTheResultsInInputOrder(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in.csv");
        Files.writeString(input, "transaction_id,amount_usd\nt1,10\nt2,x\nt3,30\n");
        String digest = Checksums.sha256(input);
        String name = "skiff-fraud-v3-" + digest.substring(0, 16);
        String executionArn = "arn:aws:states:us-east-1:123456789012:execution:skiff-prod-FraudBatch:" + name;
        String mapRunArn = "arn:aws:states:us-east-1:123456789012:mapRun:skiff-prod-FraudBatch/ScoreCsv:1";
        String prefix = "batch/fraud/results/" + name;
        answer("StartExecution", "{\"executionArn\": \"" + executionArn + "\", \"startDate\": " + START + "}");
        answer("DescribeExecution", execution(executionArn, "RUNNING"));
        answer("DescribeExecution", execution(executionArn, "SUCCEEDED"));
        answer(
                "ListMapRuns",
                "{\"mapRuns\": [{\"executionArn\": \"" + executionArn + "\", \"mapRunArn\": \"" + mapRunArn
                        + "\", \"stateMachineArn\": \"" + MACHINE + "\", \"startDate\": " + START + "}]}");
        answer(
                "ListMapRuns",
                "{\"mapRuns\": [{\"executionArn\": \"" + executionArn + "\", \"mapRunArn\": \"" + mapRunArn
                        + "\", \"stateMachineArn\": \"" + MACHINE + "\", \"startDate\": " + START + "}]}");
        answer("DescribeMapRun", mapRun(mapRunArn, executionArn, "RUNNING", 2, 0, 0, 1));
        answer("DescribeMapRun", mapRun(mapRunArn, executionArn, "SUCCEEDED", 3, 0, 0, 0));
        // what ResultWriter leaves: a manifest, then each child's batch event and the function's answer
        objects.put(
                prefix + "/0f1e/manifest.json",
                ("{\"DestinationBucket\": \"" + BUCKET + "\", \"MapRunArn\": \""
                                + mapRunArn
                                + "\", \"ResultFiles\": {\"FAILED\": [], \"PENDING\": [], \"SUCCEEDED\": [{\"Key\": \""
                                + prefix + "/0f1e/SUCCEEDED_0.json\", \"Size\": 1}]}}")
                        .getBytes(StandardCharsets.UTF_8));
        objects.put(
                prefix + "/0f1e/SUCCEEDED_0.json",
                JSON.writeValueAsBytes(List.of(
                        child(
                                "[{\"transaction_id\":\"t1\",\"amount_usd\":\"10\"},{\"transaction_id\":\"t2\",\"amount_usd\":\"x\"}]",
                                "[{\"transaction_id\":\"t1\",\"label\":\"legit\"},{\"transaction_id\":\"t2\",\"error\":"
                                        + "\"column 'amount_usd': 'x' is not a number (FP32)\"}]"),
                        child(
                                "[{\"transaction_id\":\"t3\",\"amount_usd\":\"30\"}]",
                                "[{\"transaction_id\":\"t3\",\"label\":\"fraud\"}]"))));

        StackBatchRun.StackResources stack = StackBatchRun.StackResources.find(clients, STACK, "fraud");
        assertEquals(new StackBatchRun.StackResources(MACHINE, BUCKET, FUNCTION, 512), stack);
        StringWriter bar = new StringWriter(), out = new StringWriter();
        Clock at20s = Clock.fixed(Instant.parse("2026-01-01T00:00:20Z"), ZoneOffset.UTC);
        StackBatchRun.Outcome outcome = new StackBatchRun(clients, stack, at20s, Duration.ZERO)
                .run(
                        "fraud",
                        input.toString(),
                        BatchFormat.CSV,
                        stack.plannedItemsPerBatch(),
                        50,
                        dir.resolve("out"),
                        new ProgressBar(new PrintWriter(bar), true),
                        new PrintWriter(out));

        List<Recorded> sent = recorded();
        // CloudFormation (query protocol): the three resources, then the plan's items per batch from the outputs
        assertFindsTheStacksResources(sent, "FraudBatchStateMachine", "BatchBucket", "FraudFunction");
        // Lambda GetAlias: which version live is, for the execution's name
        assertEquals("GET /2015-03-31/functions/" + FUNCTION + "/aliases/live", line(sent.get(4)));
        // S3: the input is uploaded once, under the model's inputs prefix and its digest
        String inputKey = "batch/fraud/inputs/" + digest + "/in.csv";
        assertEquals("HEAD /" + BUCKET + "/" + inputKey, line(sent.get(5)));
        assertEquals("PUT /" + BUCKET + "/" + inputKey, line(sent.get(6)));
        assertArrayEquals(Files.readAllBytes(input), objects.get(inputKey), "the uploaded bytes are the file's");
        // Step Functions (JSON 1.0): StartExecution with exactly the documented fields
        Recorded startExecution = sent.get(7);
        assertEquals("AWSStepFunctions.StartExecution", startExecution.target());
        assertEquals("application/x-amz-json-1.0", startExecution.headers().get("content-type"));
        assertEquals(Set.of("stateMachineArn", "name", "input"), fields(startExecution.json()));
        assertEquals(MACHINE, startExecution.json().get("stateMachineArn").asText());
        assertEquals(name, startExecution.json().get("name").asText());
        assertEquals(
                JSON.readTree("{\"bucket\": \"" + BUCKET + "\", \"key\": \"" + inputKey + "\", \"format\": \"CSV\", "
                        + "\"outputPrefix\": \"" + prefix + "\", \"maxItemsPerBatch\": 512, "
                        + "\"toleratedFailurePercentage\": 50.0}"),
                JSON.readTree(startExecution.json().get("input").asText()));
        // then it follows the execution and its map run until the execution ends
        List<String> follow = new ArrayList<>();
        for (Recorded r : sent.subList(8, sent.size())) {
            if (r.target().isEmpty()) continue;
            follow.add(r.target().substring("AWSStepFunctions.".length()) + " " + r.json());
        }
        String execution = "{\"executionArn\":\"" + executionArn + "\"}";
        String run = "{\"mapRunArn\":\"" + mapRunArn + "\"}";
        assertEquals(
                List.of(
                        "DescribeExecution " + execution,
                        "ListMapRuns " + execution,
                        "DescribeMapRun " + run,
                        "DescribeExecution " + execution,
                        "ListMapRuns " + execution,
                        "DescribeMapRun " + run),
                follow);
        // and reads what ResultWriter wrote under the execution's prefix
        List<String> reads = sent.stream()
                .filter(r -> r.target().isEmpty()
                        && r.path().startsWith("/" + BUCKET)
                        && r.method().equals("GET"))
                .map(r -> line(r) + (r.query().isEmpty() ? "" : " " + new TreeMap<>(r.query())))
                .toList();
        assertEquals(
                List.of(
                        "GET /" + BUCKET + " {list-type=2, prefix=" + prefix + "}",
                        "GET /" + BUCKET + "/" + prefix + "/0f1e/manifest.json",
                        "GET /" + BUCKET + "/" + prefix + "/0f1e/SUCCEEDED_0.json"),
                reads);

        assertEquals(
                List.of(
                        "row,transaction_id,label,error",
                        "1,t1,legit,",
                        "2,t2,,\"column 'amount_usd': 'x' is not a " + "number (FP32)\"",
                        "3,t3,fraud,"),
                Files.readAllLines(outcome.results()));
        assertEquals(3, outcome.summary().total());
        assertEquals(1, outcome.summary().failed());
        assertEquals(executionArn, outcome.executionArn());
        // the bar, from the recorded DescribeMapRun answers: 2 of 3 after 20 s, then all 3
        assertEquals(
                "\r[################--------] 2/3 items, 0 failed, 0 items/s, ETA 0:10"
                        + "\r[########################] 3/3 items, 0 failed, 0 items/s, ETA 0:00"
                        + System.lineSeparator(),
                bar.toString());
        assertTrue(out.toString().contains("started execution " + name), out.toString());
    }

    @Test
    void aRerunOfAFailedExecutionRedrivesItInsteadOfStartingAnother() {
        String executionArn = "arn:aws:states:us-east-1:123456789012:execution:skiff-prod-FraudBatch:skiff-fraud-v3-ab";
        answer(
                "StartExecution",
                "!{\"__type\": \"ExecutionAlreadyExists\", \"message\": \"Execution Already Exists: '" + executionArn
                        + "'\"}");
        answer("DescribeExecution", execution(executionArn, "FAILED"));
        answer("RedriveExecution", "{\"redriveDate\": " + (START + 60) + "}");
        StringWriter out = new StringWriter();
        StackBatchRun run =
                new StackBatchRun(clients, new StackBatchRun.StackResources(MACHINE, BUCKET, FUNCTION, 512));
        String arn = run.startOrResume(
                "skiff-fraud-v3-ab",
                new StackBatchRun.ExecutionInput("b", "k", BatchFormat.CSV, "p", 512, 0),
                new PrintWriter(out));
        assertEquals(executionArn, arn);
        List<String> calls = recorded().stream()
                .map(r -> r.target().substring("AWSStepFunctions.".length()) + " " + fields(r.json()))
                .toList();
        assertEquals(
                List.of(
                        "StartExecution [input, name, stateMachineArn]",
                        "DescribeExecution [executionArn]",
                        // clientToken: the idempotency token the SDK fills, so a retried redrive is one redrive
                        "RedriveExecution [clientToken, executionArn]"),
                calls);
        assertEquals(executionArn, recorded().get(2).json().get("executionArn").asText());
        assertTrue(out.toString().contains("redriving execution skiff-fraud-v3-ab (it failed)"), out.toString());
    }

    @Test
    void anInputElsewhereInS3IsCopiedIntoTheInputsPrefixTheStateMachineMayRead() {
        objects.put(
                "data-lake/2026/transactions.csv",
                "transaction_id,amount_usd\nt1,10\n".getBytes(StandardCharsets.UTF_8));
        StackBatchRun run =
                new StackBatchRun(clients, new StackBatchRun.StackResources(MACHINE, BUCKET, FUNCTION, 512));
        StringWriter out = new StringWriter();
        runUntilStartExecution(run, "fraud", "s3://data-lake/2026/transactions.csv", 512, Path.of("unused"), out);
        String digest = Checksums.sha256("etag-of-data-lake/2026/transactions.csv".getBytes(StandardCharsets.UTF_8));
        String copy = "batch/fraud/inputs/" + digest + "/transactions.csv";
        List<String> s3 = recorded().stream()
                .filter(r -> r.target().isEmpty() && !r.path().startsWith("/2015-03-31/"))
                .map(r -> line(r)
                        + (r.headers().containsKey("x-amz-copy-source")
                                ? " from "
                                        + URLDecoder.decode(
                                                r.headers().get("x-amz-copy-source"), StandardCharsets.UTF_8)
                                : ""))
                .toList();
        assertEquals(
                List.of(
                        "HEAD /data-lake/2026/transactions.csv",
                        "HEAD /" + BUCKET + "/" + copy,
                        "PUT /" + BUCKET + "/" + copy + " from data-lake/2026/transactions.csv"),
                s3);
        assertTrue(out.toString().contains("copied s3://data-lake/2026/transactions.csv"), out.toString());
        JsonNode input = readInput(recorded().stream()
                .filter(r -> r.target().endsWith("StartExecution"))
                .findFirst()
                .orElseThrow());
        assertEquals(BUCKET, input.get("bucket").asText());
        assertEquals(copy, input.get("key").asText());
    }

    @Test
    void aPoolModelIsNamedByTheLiveVersionInThePoolsStoreAndRunsItsOwnMachine(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in.csv");
        Files.writeString(input, "text\nhello\n");
        String digest = Checksums.sha256(input);
        // the pool's alias document, as skiff promote writes it to the store the stack names
        objects.put(
                POOL_STORE_BUCKET + "/skiff-pool/aliases.json",
                "{\"llm\": {\"live\": {\"version\": \"7\"}}}".getBytes(StandardCharsets.UTF_8));

        StackBatchRun.StackResources stack = StackBatchRun.StackResources.find(clients, STACK, "llm");
        assertEquals(
                new StackBatchRun.StackResources(
                        POOL_MACHINE,
                        BUCKET,
                        new LiveVersionSource.PoolStore("s3://" + POOL_STORE_BUCKET + "/skiff-pool"),
                        256),
                stack);
        runUntilStartExecution(
                new StackBatchRun(clients, stack),
                "llm",
                input.toString(),
                stack.plannedItemsPerBatch(),
                dir.resolve("out"),
                new StringWriter());

        List<Recorded> sent = recorded();
        // CloudFormation: the machine and the bucket, then no LlmFunction (a pool model has none), then the stack
        assertFindsTheStacksResources(sent, "LlmBatchStateMachine", "BatchBucket", "LlmFunction");
        // the version: the store's alias document (S3 GetObject), not a Lambda alias
        assertEquals("GET /" + POOL_STORE_BUCKET + "/skiff-pool/aliases.json", line(sent.get(4)));
        assertTrue(
                sent.stream().noneMatch(r -> r.path().startsWith("/2015-03-31/")), "no Lambda call for a pool model");
        String inputKey = "batch/llm/inputs/" + digest + "/in.csv";
        assertEquals("HEAD /" + BUCKET + "/" + inputKey, line(sent.get(5)));
        assertEquals("PUT /" + BUCKET + "/" + inputKey, line(sent.get(6)));
        Recorded startExecution = sent.get(7);
        assertEquals("AWSStepFunctions.StartExecution", startExecution.target());
        assertEquals(Set.of("stateMachineArn", "name", "input"), fields(startExecution.json()));
        assertEquals(POOL_MACHINE, startExecution.json().get("stateMachineArn").asText());
        String name = "skiff-llm-v7-" + digest.substring(0, 16);
        assertEquals(name, startExecution.json().get("name").asText(), "model, the store's live version, input");
        assertEquals(
                JSON.readTree("{\"bucket\": \"" + BUCKET + "\", \"key\": \"" + inputKey + "\", \"format\": \"CSV\", "
                        + "\"outputPrefix\": \"batch/llm/results/" + name + "\", \"maxItemsPerBatch\": 256, "
                        + "\"toleratedFailurePercentage\": 0.0}"),
                readInput(startExecution));
        assertEquals(
                8,
                sent.size(),
                "nothing else: "
                        + sent.stream().map(StackBatchRequestsTest::line).toList());
    }

    @Test
    void aPoolsLiveIsTheStoresAliasElseItsHighestVersion() {
        LiveVersionSource store = new LiveVersionSource.PoolStore("s3://" + POOL_STORE_BUCKET + "/skiff-pool");
        objects.put(
                POOL_STORE_BUCKET + "/skiff-pool/aliases.json",
                "{\"llm\": {\"live\": {\"version\": \"7\", \"additionalVersionWeights\": {\"8\": 0.1}}}}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals("7", store.live(clients, "llm"), "the alias's main version, as GetAlias's FunctionVersion");

        // no live alias for llm: the highest published version, by number (a sort by text would give 3)
        objects.put(
                POOL_STORE_BUCKET + "/skiff-pool/aliases.json",
                "{\"ranker\": {\"live\": {\"version\": \"1\"}}}".getBytes(StandardCharsets.UTF_8));
        objects.put(POOL_STORE_BUCKET + "/skiff-pool/llm/3/skiff-manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
        objects.put(
                POOL_STORE_BUCKET + "/skiff-pool/llm/12/skiff-manifest.json", "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals("12", store.live(clients, "llm"));

        UserError none =
                org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> store.live(clients, "ranker2"));
        assertTrue(none.getMessage().contains("model 'ranker2' has no live alias and no version"), none.getMessage());
    }

    @Test
    void aPoolWithoutAStoreIsNamedByItsImagesTagAndTaskDefinitionRevision(@TempDir Path dir) throws Exception {
        stackParameters.clear();
        stackParameters.put("PoolStoreBucket", "");
        stackParameters.put("GpuImageTag", "v5");
        StackBatchRun.StackResources stack = StackBatchRun.StackResources.find(clients, STACK, "llm");
        assertEquals(new LiveVersionSource.PoolImage("v5", "4"), stack.live());
        assertFindsTheStacksResources(recorded(), "LlmBatchStateMachine", "BatchBucket", "LlmFunction");
        assertEquals("GpuPoolTaskDefinition", recorded().get(4).form().get("LogicalResourceId"));

        Path input = dir.resolve("in.csv");
        Files.writeString(input, "text\nhello\n");
        StringWriter out = new StringWriter();
        runUntilStartExecution(new StackBatchRun(clients, stack), "llm", input.toString(), 1, dir.resolve("out"), out);
        Recorded start = recorded().stream()
                .filter(r -> r.target().endsWith("StartExecution"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "skiff-llm-vimage-v5-r4-" + Checksums.sha256(input).substring(0, 16),
                start.json().get("name").asText());
        assertTrue(!out.toString().contains("warning"), out.toString());

        // latest can be moved without a deploy: the run says so
        assertEquals("image-latest-r4", new LiveVersionSource.PoolImage("latest", "4").live(clients, "llm"));
    }

    @Test
    void onlyCloudFormationsNoSuchResourceMeansTheModelIsOnThePool() {
        llmFunctionError = "<Code>Throttling</Code><Message>Rate exceeded</Message>";
        var thrown = org.junit.jupiter.api.Assertions.assertThrows(
                software.amazon.awssdk.services.cloudformation.model.CloudFormationException.class,
                () -> StackBatchRun.StackResources.find(clients, STACK, "llm"));
        assertEquals("Throttling", thrown.awsErrorDetails().errorCode());
        assertTrue(
                recorded().stream()
                        .noneMatch(r -> "DescribeStacks".equals(r.form().get("Action"))),
                "stopped at the error, not read as a pool model");
    }

    @Test
    void anExecutionNameAlwaysKeepsTheInputsDigest() {
        String digest = "0123456789abcdef".repeat(4);
        String tag = "t".repeat(100);
        String name = StackBatchRun.executionName("llm", "image-" + tag + "-r4", digest);
        assertEquals(80, name.length(), name);
        assertTrue(name.startsWith("skiff-llm-vimage-ttt"), name);
        assertTrue(name.endsWith("-0123456789abcdef"), name);
        assertTrue(name.matches("[A-Za-z0-9_-]+"), name);
        String other = StackBatchRun.executionName("llm", "image-" + tag + "-r4", "fedcba9876543210".repeat(4));
        assertTrue(!name.equals(other), "two inputs, two names");
        // two versions that share their first 60 characters still get two names
        String revision5 = StackBatchRun.executionName("llm", "image-" + tag + "-r5", digest);
        assertTrue(!name.equals(revision5), name + " vs " + revision5);
        assertEquals("skiff-fraud-v3-0123456789abcdef", StackBatchRun.executionName("fraud", "3", digest));
    }

    @Test
    void theStackScoresWithLiveSoAnotherVersionIsRefusedBeforeAnyCall(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = dev.skiff.deployer.cli.SkiffCli.commandLine();
        cli.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err));
        int code = cli.execute(
                "batch",
                "llm",
                "--input",
                "in.csv",
                "--output",
                dir.toString(),
                "--stack",
                STACK,
                "--model-version",
                "7");
        assertEquals(dev.skiff.deployer.cli.ExitCodes.USAGE_OR_INPUT, code, err.toString());
        assertTrue(err.toString().contains("--stack scores with the live alias"), err.toString());
        assertEquals(List.of(), recorded(), "refused before any AWS call");
    }

    /** CloudFormation (query protocol): DescribeStackResource for each logical id, then DescribeStacks. */
    static void assertFindsTheStacksResources(List<Recorded> sent, String... logicalIds) {
        for (int i = 0; i < logicalIds.length; i++) {
            assertEquals("POST", sent.get(i).method());
            assertEquals(
                    Map.of(
                            "Action",
                            "DescribeStackResource",
                            "Version",
                            "2010-05-15",
                            "StackName",
                            STACK,
                            "LogicalResourceId",
                            logicalIds[i]),
                    sent.get(i).form());
        }
        assertEquals(
                Map.of("Action", "DescribeStacks", "Version", "2010-05-15", "StackName", STACK),
                sent.get(logicalIds.length).form());
    }

    static JsonNode readInput(Recorded startExecution) {
        try {
            return JSON.readTree(startExecution.json().get("input").asText());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // --- the recorded answers ---

    /**
     * Runs a CSV batch until its StartExecution, which the recording server answers InvalidName:
     * what the run sent up to and with it is in {@link #recorded()}, what it printed in {@code out}.
     */
    private static void runUntilStartExecution(
            StackBatchRun run, String model, String input, int itemsPerBatch, Path output, StringWriter out) {
        answer("StartExecution", "!{\"__type\": \"InvalidName\", \"message\": \"stop here\"}");
        org.junit.jupiter.api.Assertions.assertThrows(
                software.amazon.awssdk.services.sfn.model.InvalidNameException.class,
                () -> run.run(
                        model,
                        input,
                        BatchFormat.CSV,
                        itemsPerBatch,
                        0,
                        output,
                        new ProgressBar(new PrintWriter(new StringWriter()), false),
                        new PrintWriter(out)));
    }

    static void answer(String operation, String body) {
        sfnAnswers.computeIfAbsent(operation, k -> new ArrayDeque<>()).add(body);
    }

    static String execution(String arn, String status) {
        return "{\"executionArn\": \"" + arn + "\", \"stateMachineArn\": \"" + MACHINE + "\", \"status\": \"" + status
                + "\", \"startDate\": " + START + (status.equals("RUNNING") ? "" : ", \"stopDate\": " + (START + 30))
                + "}";
    }

    static String mapRun(
            String arn, String executionArn, String status, long succeeded, long failed, long pending, long running) {
        long total = succeeded + failed + pending + running;
        return "{\"mapRunArn\": \"" + arn + "\", \"executionArn\": \"" + executionArn + "\", \"status\": \"" + status
                + "\", \"startDate\": " + START + ", \"maxConcurrency\": 100, \"toleratedFailurePercentage\": 50.0, "
                + "\"toleratedFailureCount\": 0, \"itemCounts\": {\"pending\": " + pending + ", \"running\": " + running
                + ", \"succeeded\": " + succeeded + ", \"failed\": " + failed + ", \"timedOut\": 0, \"aborted\": 0, "
                + "\"total\": " + total + ", \"resultsWritten\": " + succeeded
                + "}, \"executionCounts\": {\"pending\": 0,"
                + " \"running\": 0, \"succeeded\": 2, \"failed\": 0, \"timedOut\": 0, \"aborted\": 0, \"total\": 2, "
                + "\"resultsWritten\": 2}}";
    }

    static Map<String, Object> child(String items, String output) {
        Map<String, Object> child = new LinkedHashMap<>();
        child.put("ExecutionArn", "arn:aws:states:us-east-1:123456789012:express:skiff-prod-FraudBatch/x:y");
        child.put(
                "Input",
                "{\"Items\":" + items + ",\"BatchInput\":{\"model_name\":\"fraud\",\"model_version\":\"live\"}}");
        child.put("InputDetails", Map.of("Included", true));
        child.put("Name", "y");
        child.put("Output", output);
        child.put("OutputDetails", Map.of("Included", true));
        child.put("Status", "SUCCEEDED");
        return child;
    }

    // --- the server ---

    static void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        String path = exchange.getRequestURI().getRawPath();
        Recorded request = new Recorded(
                exchange.getRequestMethod(),
                URLDecoder.decode(path, StandardCharsets.UTF_8),
                query(exchange.getRequestURI().getRawQuery()),
                headers,
                unchunk(headers, body));
        synchronized (requests) {
            requests.add(request);
        }
        if (!request.target().isEmpty()) {
            String operation = request.target().substring(request.target().indexOf('.') + 1);
            ArrayDeque<String> queue = sfnAnswers.get(operation);
            String answer = queue == null || queue.isEmpty() ? null : queue.size() == 1 ? queue.peek() : queue.poll();
            if (answer == null) send(exchange, 500, "application/x-amz-json-1.0", "{\"__type\": \"NoAnswer\"}");
            else if (answer.startsWith("!")) send(exchange, 400, "application/x-amz-json-1.0", answer.substring(1));
            else send(exchange, 200, "application/x-amz-json-1.0", answer);
        } else if (request.path().startsWith("/2015-03-31/functions/")) {
            send(
                    exchange,
                    200,
                    "application/json",
                    "{\"AliasArn\": \"arn:aws:lambda:us-east-1:123456789012:function:" + FUNCTION
                            + ":live\", \"Name\": \"live\", \"FunctionVersion\": \"3\"}");
        } else if (request.form().containsKey("Action")) {
            String answer = cloudFormation(request.form());
            if (answer.startsWith("!")) send(exchange, 400, "text/xml", answer.substring(1));
            else send(exchange, 200, "text/xml", answer);
        } else {
            s3(exchange, request);
        }
    }

    static String cloudFormation(Map<String, String> form) {
        String ns = "xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"";
        if (form.get("Action").equals("DescribeStacks")) {
            return "<DescribeStacksResponse " + ns + "><DescribeStacksResult><Stacks><member><StackName>" + STACK
                    + "</StackName><StackId>id</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>"
                    + "UPDATE_COMPLETE</StackStatus><Parameters>" + parameters() + "</Parameters>"
                    + "<Outputs><member><OutputKey>FraudBatchStateMachineArn</OutputKey>"
                    + "<OutputValue>" + MACHINE + "</OutputValue></member><member><OutputKey>FraudBatchMaxItemsPerBatch"
                    + "</OutputKey><OutputValue>512</OutputValue></member><member><OutputKey>LlmBatchMaxItemsPerBatch"
                    + "</OutputKey><OutputValue>256</OutputValue></member></Outputs></member></Stacks>"
                    + "</DescribeStacksResult></DescribeStacksResponse>";
        }
        String physical = switch (form.get("LogicalResourceId")) {
            case "FraudBatchStateMachine" -> MACHINE;
            case "BatchBucket" -> BUCKET;
            case "FraudFunction" -> FUNCTION;
            case "LlmBatchStateMachine" -> POOL_MACHINE;
            case "GpuPoolTaskDefinition" -> "arn:aws:ecs:us-east-1:123456789012:task-definition/skiff-prod-GpuPool:4";
            // CloudFormation's answer for a logical id the stack does not have (or another error)
            case "LlmFunction" ->
                "!<ErrorResponse " + ns + "><Error><Type>Sender</Type>" + llmFunctionError + "</Error>"
                        + "<RequestId>r</RequestId></ErrorResponse>";
            default -> throw new AssertionError(form);
        };
        if (physical.startsWith("!")) return physical;
        return "<DescribeStackResourceResponse " + ns + "><DescribeStackResourceResult><StackResourceDetail>"
                + "<StackName>" + STACK + "</StackName><LogicalResourceId>" + form.get("LogicalResourceId")
                + "</LogicalResourceId><PhysicalResourceId>" + physical + "</PhysicalResourceId><ResourceType>x"
                + "</ResourceType><LastUpdatedTimestamp>2026-01-01T00:00:00Z</LastUpdatedTimestamp><ResourceStatus>"
                + "UPDATE_COMPLETE</ResourceStatus></StackResourceDetail></DescribeStackResourceResult>"
                + "</DescribeStackResourceResponse>";
    }

    static String parameters() {
        StringBuilder xml = new StringBuilder();
        stackParameters.forEach((key, value) -> xml.append("<member><ParameterKey>")
                .append(key)
                .append("</ParameterKey><ParameterValue>")
                .append(value)
                .append("</ParameterValue></member>"));
        return xml.toString();
    }

    static void s3(HttpExchange exchange, Recorded request) throws IOException {
        // the batch bucket's objects by key, any other bucket's as "bucket/key"
        String key = request.path().startsWith("/" + BUCKET)
                ? request.path().substring(BUCKET.length() + 1).replaceFirst("^/", "")
                : request.path().substring(1);
        switch (request.method()) {
            case "HEAD" -> {
                if (objects.containsKey(key)) exchange.getResponseHeaders().add("ETag", "\"etag-of-" + key + "\"");
                exchange.sendResponseHeaders(objects.containsKey(key) ? 200 : 404, -1);
                exchange.close();
            }
            case "PUT" -> {
                String source = request.headers().get("x-amz-copy-source");
                if (source != null) {
                    String from =
                            URLDecoder.decode(source, StandardCharsets.UTF_8).replaceFirst("^/", "");
                    objects.put(key, objects.get(from));
                    send(exchange, 200, "application/xml", "<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>");
                    return;
                }
                objects.put(key, request.body());
                exchange.getResponseHeaders().add("ETag", "\"e\"");
                send(exchange, 200, "application/xml", "");
            }
            default -> {
                if ("2".equals(request.query().get("list-type"))) {
                    String bucket = request.path().substring(1).split("/")[0];
                    String stored = bucket.equals(BUCKET) ? "" : bucket + "/";
                    StringBuilder xml = new StringBuilder("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/"
                            + "2006-03-01/\"><Name>" + bucket + "</Name><IsTruncated>false</IsTruncated>");
                    for (String object : new TreeSet<>(objects.keySet())) {
                        if (object.startsWith(stored + request.query().get("prefix"))) {
                            xml.append("<Contents><Key>")
                                    .append(object.substring(stored.length()))
                                    .append("</Key><Size>1</Size></Contents>");
                        }
                    }
                    send(
                            exchange,
                            200,
                            "application/xml",
                            xml.append("</ListBucketResult>").toString());
                } else if (objects.containsKey(key)) {
                    exchange.getResponseHeaders().add("ETag", "\"etag-of-" + key + "\"");
                    exchange.sendResponseHeaders(200, objects.get(key).length);
                    exchange.getResponseBody().write(objects.get(key));
                    exchange.close();
                } else {
                    send(exchange, 404, "application/xml", "<Error><Code>NoSuchKey</Code></Error>");
                }
            }
        }
    }

    static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** An aws-chunked body (the SDK's streaming upload with a trailing checksum) as the bytes it carries. */
    static byte[] unchunk(Map<String, String> headers, byte[] body) {
        if (!headers.getOrDefault("content-encoding", "").contains("aws-chunked")) return body;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOf(body, at);
            String header = new String(body, at, lineEnd - at, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(header.split(";")[0].trim(), 16);
            if (size == 0) return data.toByteArray();
            data.write(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] body, int from) {
        for (int i = from; i + 1 < body.length; i++) if (body[i] == '\r' && body[i + 1] == '\n') return i;
        throw new AssertionError("no chunk header end");
    }

    static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null || raw.isEmpty()) return query;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            query.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    static List<Recorded> recorded() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    static String line(Recorded r) {
        return r.method() + " " + r.path();
    }

    static Set<String> fields(JsonNode json) {
        Set<String> names = new TreeSet<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
