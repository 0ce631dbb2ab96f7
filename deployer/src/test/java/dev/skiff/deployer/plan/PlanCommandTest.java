package dev.skiff.deployer.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.deployer.cli.SkiffCli;
import dev.skiff.deployer.testing.Examples;
import dev.skiff.deployer.testing.GeneratedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

class PlanCommandTest {
    @TempDir
    Path dir;

    @Test
    void jsonPlanForTheExamples() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = SkiffCli.commandLine();
        cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()));
        int code = cli.execute(
                "plan",
                "--json",
                "--runs",
                "3",
                "--warmup",
                "1",
                Examples.models().resolve("fraud").toString());
        assertEquals(0, code);
        JsonNode plan = PlanReport.JSON.readTree(out.toString());
        JsonNode fraud = plan.path("models").get(0);
        assertEquals("fraud", fraud.path("name").asText());
        assertEquals("lambda", fraud.path("target").asText());
        assertEquals(512, fraud.path("memoryMb").asInt());
        assertEquals("arm64", plan.path("pricing").path("architecture").asText());
        assertTrue(fraud.path("profile").path("batchOne").path("p99Ms").asDouble() > 0);
    }

    @Test
    void aModelDirectoryWithoutModelsIsAnInputError() {
        StringWriter err = new StringWriter();
        CommandLine cli = SkiffCli.commandLine();
        cli.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("plan", dir.toString()));
        assertTrue(err.toString().contains("no model in"), err.toString());
    }

    @Test
    void aBadConfigNamesTheField() throws Exception {
        GeneratedModels.identity(dir, "typo", "{\"memoryMB\": 512}");
        StringWriter err = new StringWriter();
        CommandLine cli = SkiffCli.commandLine();
        cli.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("plan", dir.toString()));
        assertTrue(err.toString().contains("memoryMB"), err.toString());
    }
}
