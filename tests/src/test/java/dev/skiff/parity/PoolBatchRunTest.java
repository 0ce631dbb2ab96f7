package dev.skiff.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.batch.BatchFormat;
import dev.skiff.deployer.batch.InputRows;
import dev.skiff.deployer.batch.LocalBatchRun;
import dev.skiff.deployer.batch.ProgressBar;
import dev.skiff.deployer.batch.ResultFiles;
import dev.skiff.deployer.cli.SkiffCli;
import dev.skiff.gpu.TestServer;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code skiff batch fraud --local --pool-url} against a running pool gives the same result files,
 * byte for byte, as the same run through the Lambda function: scored rows, bad rows and counts.
 */
class PoolBatchRunTest {
    static final String HEADER = "transaction_id,amount_usd,hour_of_day,distance_from_home_km,merchant_risk,"
            + "transactions_last_24h,card_present,foreign,account_age_days";

    @TempDir
    static Path temp;

    static TestServer pool;
    static TestFunction lambda;

    @BeforeAll
    static void start() throws Exception {
        Path aliases = Files.writeString(temp.resolve("aliases.json"), "{\"fraud\": {\"live\": {\"version\": \"1\"}}}");
        pool = TestServer.start(TestFunction.examples(), "--only", "fraud", "--aliases", aliases.toString());
        lambda = new TestFunction(TestFunction.examples(), "fraud");
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.close();
        if (lambda != null) lambda.close();
    }

    @Test
    void thePoolAndTheFunctionWriteTheSameResults() throws Exception {
        Path input = temp.resolve("tx.csv");
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int i = 1; i <= 700; i++) {
            String amount = i == 100 ? "twelve" : i == 400 ? "" : String.valueOf(i % 500 + 0.25);
            csv.append("t")
                    .append(i)
                    .append(',')
                    .append(amount)
                    .append(',')
                    .append(i % 24)
                    .append(",3.5,0.")
                    .append(i % 10)
                    .append(",2,")
                    .append(i % 2)
                    .append(",0,")
                    .append(100 + i)
                    .append('\n');
            if (i == 250) csv.append('\n'); // an empty line is a row with no columns
        }
        Files.writeString(input, csv);

        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = SkiffCli.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "batch",
                        "fraud",
                        "--input",
                        input.toString(),
                        "--output",
                        temp.resolve("pool").toString(),
                        "--local",
                        "--pool-url",
                        "http://127.0.0.1:" + pool.port(),
                        "--batch-size",
                        "300",
                        "--concurrency",
                        "2",
                        "--tolerated-failure-percentage",
                        "1");
        assertEquals(0, code, () -> out + "\n" + err);

        Path viaLambda = temp.resolve("lambda");
        try (ResultFiles files = new ResultFiles(viaLambda, "tx.csv", BatchFormat.CSV);
                InputRows rows = InputRows.open(input, BatchFormat.CSV)) {
            new LocalBatchRun(
                            new LocalBatchRun.Settings("fraud", null, 300, 2),
                            event -> lambda.function.handle(event, "req", TestFunction.ARN))
                    .run(rows, files, new ProgressBar(new PrintWriter(new StringWriter()), false), -1, 1);
        }
        for (String file : new String[] {"tx.csv.out", "tx.csv.failed.csv"}) {
            assertEquals(
                    Files.readString(viaLambda.resolve(file)),
                    Files.readString(temp.resolve("pool").resolve(file)),
                    file);
        }
        String failed = Files.readString(temp.resolve("pool/tx.csv.failed.csv"));
        assertEquals(4, failed.lines().count(), failed); // header and three bad rows
        assertTrue(
                failed.contains("100,transaction_id=t100,\"column 'amount_usd': 'twelve' is not a number (FP32)\""),
                failed);
        assertTrue(failed.contains("401,transaction_id=t400,\"column 'amount_usd' is empty\""), failed);
        assertEquals(
                702, Files.readString(temp.resolve("pool/tx.csv.out")).lines().count(), "header and 701 rows");
    }

    @Test
    void aModelThePoolDoesNotServeFailsItsRowsWithThePoolsMessage() throws Exception {
        Path input = Files.writeString(temp.resolve("m.jsonl"), "{\"id\": 1}\n");
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = SkiffCli.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(
                        "batch",
                        "minilm",
                        "--input",
                        input.toString(),
                        "--output",
                        temp.resolve("m").toString(),
                        "--local",
                        "--pool-url",
                        "http://127.0.0.1:" + pool.port());
        assertEquals(5, code, () -> out + "\n" + err);
        String failed = Files.readString(temp.resolve("m/m.jsonl.failed.csv"));
        assertTrue(failed.contains("model 'minilm' is not served here"), failed);
    }
}
