package dev.skiff.deployer.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.cli.SkiffCli;
import dev.skiff.deployer.testing.Examples;
import dev.skiff.examples.fraud.TransactionFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** skiff baseline and skiff drift as a person runs them: files in, table out, exit codes, errors. */
class DriftCommandTest {
    @TempDir
    static Path dir;

    static Path baseline;

    @BeforeAll
    static void baseline() throws IOException {
        Path train = dir.resolve("train.csv");
        TransactionFile.write(train, TransactionFile.Format.CSV, 5_000, 21, 0);
        baseline = dir.resolve("baseline");
        Result result = skiff(
                "baseline",
                "fraud",
                "--data",
                train.toString(),
                "--models",
                Examples.models().toString(),
                "--output",
                baseline.toString());
        assertEquals(0, result.code, result.err);
        assertTrue(result.out.contains("baseline of fraud version 1: 5000 rows"), result.out);
        assertTrue(result.out.contains("amount_usd"), result.out);
        assertTrue(Files.isRegularFile(baseline.resolve("statistics.json")));
        assertTrue(Files.readString(baseline.resolve("constraints.json")).contains("\"psiModerate\" : 0.1"));
    }

    @Test
    void aWindowLikeTheBaselinePassesFailOnDrift() throws IOException {
        Path window = dir.resolve("same.csv");
        TransactionFile.write(window, TransactionFile.Format.CSV, 3_000, 22, 0);
        Result result = skiff(
                "drift",
                "fraud",
                "--baseline",
                baseline.toString(),
                "--capture",
                window.toString(),
                "--output",
                dir.resolve("report-same").toString(),
                "--fail-on-drift");
        assertEquals(0, result.code, result.out + result.err);
        assertTrue(result.out.contains("NO_DRIFT"), result.out);
    }

    @Test
    void aShiftedWindowFailsWithSixAndWritesTheReports() throws IOException {
        Path same = dir.resolve("to-shift.csv");
        TransactionFile.write(same, TransactionFile.Format.CSV, 3_000, 23, 0);
        List<String> lines = Files.readAllLines(same);
        List<String> shifted = new ArrayList<>();
        shifted.add(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            cells[1] = Double.toString(Math.round(Double.parseDouble(cells[1]) * 300) / 100.0); // amount_usd ×3
            shifted.add(String.join(",", cells));
        }
        Path window = dir.resolve("shifted.csv");
        Files.write(window, shifted);
        Path out = dir.resolve("report-shifted");
        Result result = skiff(
                "drift",
                "fraud",
                "--baseline",
                baseline.toString(),
                "--capture",
                window.toString(),
                "--output",
                out.toString(),
                "--fail-on-drift");
        assertEquals(6, result.code, result.out + result.err);
        assertTrue(result.out.contains("FEATURE_DRIFT: 1 of 8 input features drifted (amount_usd)"), result.out);
        assertTrue(Files.readString(out.resolve("report.json")).contains("\"status\" : \"FEATURE_DRIFT\""));
        assertTrue(Files.readString(out.resolve("report.html")).contains("<svg"));
    }

    @Test
    void noBaselineIsAnInputError() {
        Result result =
                skiff("drift", "fraud", "--baseline", dir.resolve("nowhere").toString(), "--capture", dir.toString());
        assertEquals(2, result.code);
        assertTrue(result.err.contains("statistics.json is missing"), result.err);
    }

    @Test
    void aDirectoryWithoutCaptureRecordsIsAnInputError() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("no-captures"));
        Files.writeString(empty.resolve("app.log"), "{\"level\":\"INFO\"}\n");
        Result result = skiff("drift", "fraud", "--baseline", baseline.toString(), "--capture", empty.toString());
        assertEquals(2, result.code);
        assertTrue(result.err.contains("no capture records of model 'fraud' version 1 under"), result.err);
    }

    @Test
    void aBadWindowLengthIsAnInputError() {
        Result result = skiff(
                "drift",
                "fraud",
                "--baseline",
                baseline.toString(),
                "--capture",
                dir.toString(),
                "--since",
                "yesterday");
        assertEquals(2, result.code);
        assertTrue(result.err.contains("(30m, 24h, 7d), not 'yesterday'"), result.err);
    }

    record Result(int code, String out, String err) {}

    static Result skiff(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SkiffCli.commandLine();
        cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
