package dev.skiff.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.gpu.TestServer;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The batch invoker's inline code, as templates/deployer/batch-pool-invoker.yaml ships it, run by
 * python3 against a running pool: it answers what the model's Lambda function answers for the same
 * ItemBatcher event, a refused batch's {"error"} included. Skipped where no python3 is installed.
 */
class PoolBatchInvokerCodeTest {
    @TempDir
    static Path temp;

    static TestServer pool;
    static TestFunction lambda;

    @BeforeAll
    static void start() throws Exception {
        Path aliases = Files.writeString(temp.resolve("aliases.json"), "{\"fraud\": {\"live\": {\"version\": \"1\"}}}");
        pool = TestServer.start(TestFunction.examples(), "--only", "fraud", "--aliases", aliases.toString());
        lambda = new TestFunction(TestFunction.examples(), "fraud");
        Files.writeString(temp.resolve("index.py"), inlineCode());
        Files.writeString(temp.resolve("harness.py"), """
                import json, sys
                import index

                class Context:
                    def get_remaining_time_in_millis(self):
                        return 120000

                with open(sys.argv[1]) as f:
                    event = json.load(f)
                json.dump(index.handler(event, Context()), sys.stdout)
                """);
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.close();
        if (lambda != null) lambda.close();
    }

    @Test
    void scoredAndBadRowsComeBackAsTheFunctionAnswersThem() throws Exception {
        String event = "{\"Items\": [" + BatchParityTest.GOOD + ", "
                + BatchParityTest.GOOD.replace("\"12.5\"", "\"twelve\"") + ", {}], "
                + "\"BatchInput\": {\"model_name\": \"fraud\", \"model_version\": \"live\"}}";
        JsonNode answer = sameAsTheFunction(event);
        assertEquals(3, answer.size(), answer::toString);
        assertTrue(answer.get(0).has("probability") && answer.get(1).has("error"), answer::toString);
    }

    @Test
    void aBatchThePoolRefusesComesBackAsTheFunctionsError() throws Exception {
        String event = "{\"Items\": [{}], \"BatchInput\": {\"model_name\": \"fraud\", \"model_version\": \"9\"}}";
        JsonNode answer = sameAsTheFunction(event);
        assertTrue(
                answer.get("error").asText().startsWith("model 'fraud' has no version or alias '9'"), answer::toString);
    }

    private static JsonNode sameAsTheFunction(String event) throws Exception {
        assumeTrue(hasPython(), "no python3 on this machine");
        Path eventFile = Files.writeString(temp.resolve("event.json"), event);
        ProcessBuilder builder = new ProcessBuilder("python3", "harness.py", eventFile.toString())
                .directory(temp.toFile())
                .redirectErrorStream(true);
        builder.environment().put("SKIFF_POOL_URL", "http://127.0.0.1:" + pool.port());
        builder.environment().put("SKIFF_MODEL", "fraud");
        Process python = builder.start();
        byte[] out = python.getInputStream().readAllBytes();
        assertTrue(python.waitFor(60, TimeUnit.SECONDS));
        String printed = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, python.exitValue(), printed);
        JsonNode fromLambda = TestFunction.JSON.readTree(
                lambda.function.handle(event.getBytes(StandardCharsets.UTF_8), "req", TestFunction.ARN));
        JsonNode fromInvoker = TestFunction.JSON.readTree(printed);
        assertEquals(fromLambda, fromInvoker, printed);
        return fromInvoker;
    }

    /** The function's InlineCode block, de-indented, as the template ships it. */
    static String inlineCode() throws Exception {
        Path fragment = repository().resolve("templates/deployer/batch-pool-invoker.yaml");
        List<String> lines = Files.readAllLines(fragment);
        StringBuilder code = new StringBuilder();
        boolean inside = false;
        for (String line : lines) {
            if (line.strip().equals("InlineCode: |")) {
                inside = true;
            } else if (inside) {
                if (!line.isBlank() && !line.startsWith("        ")) break;
                code.append(line.length() >= 8 ? line.substring(8) : "").append('\n');
            }
        }
        assertTrue(code.toString().contains("def handler(event, context):"), code::toString);
        return code.toString();
    }

    private static Path repository() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("templates/deployer"))) dir = dir.getParent();
        return dir;
    }

    private static boolean hasPython() {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
