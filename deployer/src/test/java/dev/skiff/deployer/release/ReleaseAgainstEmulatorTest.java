package dev.skiff.deployer.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.cli.SkiffCli;
import dev.skiff.deployer.packaging.Architecture;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.testing.FraudPackages;
import dev.skiff.deployer.testing.LocalLambda;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * promote, rollback and status through the skiff command line against the local emulator's
 * Lambda API, with the weighted split checked in real invocations of the packaged function.
 */
class ReleaseAgainstEmulatorTest {
    static final String FUNCTION = "FraudFunction";

    @TempDir
    static Path dir;

    static LocalLambda local;

    @BeforeAll
    static void start() throws Exception {
        // the SDK's default chain reads these; the emulator accepts any credentials
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        PackageManifest manifest = FraudPackages.of(Architecture.ofThisMachine());
        local = LocalLambda.start(manifest, dir);
        // a second deploy that changes the function publishes version 2, as SAM's AutoPublishAlias does in AWS;
        // the emulator's versions are content-addressed, so touching the .zip would not be a change
        local.lambda().updateFunctionConfiguration(b -> b.functionName(FUNCTION).description("second deploy"));
        assertEquals(
                "2",
                local.lambda().publishVersion(b -> b.functionName(FUNCTION)).version());
    }

    @AfterAll
    static void stop() {
        if (local != null) local.close();
    }

    static String skiff(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = SkiffCli.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--endpoint-url";
        all[args.length + 1] = local.endpoint();
        all[args.length + 2] = "--region";
        all[args.length + 3] = "us-east-1";
        int code = cli.execute(all);
        assertEquals(0, code, "skiff " + String.join(" ", args) + ": " + err);
        return out.toString();
    }

    /** Executed versions of {@code n} invocations of the live alias. */
    static Map<String, Integer> liveTraffic(int n) {
        Map<String, Integer> versions = new HashMap<>();
        for (int i = 0; i < n; i++) {
            InvokeResponse response = local.invoke(FUNCTION, "live", LocalLambda.FRAUD_REQUEST);
            assertNull(response.functionError(), response.payload().asUtf8String());
            versions.merge(response.executedVersion(), 1, Integer::sum);
        }
        return versions;
    }

    @Test
    void canaryThenRollbackThenFullPromoteThenRollback() {
        String status = skiff("status");
        assertTrue(status.contains("fraud") && status.contains("live") && status.contains("1, 2"), status);

        String promoted = skiff("promote", "fraud", "--to", "2", "--canary", "30");
        assertTrue(promoted.contains("1 (70%) + 2 (30%)"), promoted);
        assertTrue(skiff("status", "fraud").contains("1 (70%) + 2 (30%)"));
        Map<String, Integer> split = liveTraffic(80);
        int canary = split.getOrDefault("2", 0);
        // 30% of 80 is 24, with a standard deviation near 4: 10..40 holds it with room to spare
        assertTrue(canary >= 10 && canary <= 40, "version 2 served " + canary + " of 80: " + split);
        assertEquals(80, split.getOrDefault("1", 0) + canary, split.toString());

        assertTrue(skiff("rollback", "fraud").contains("-> 1"));
        assertEquals(Map.of("1", 10), liveTraffic(10));

        assertTrue(skiff("promote", "fraud", "--to", "2").contains("-> 2"));
        assertEquals(Map.of("2", 10), liveTraffic(10));
        assertTrue(skiff("status", "fraud").contains("live"), "status lists the alias");

        assertTrue(skiff("rollback", "fraud").contains("2 -> 1"));
        assertEquals(Map.of("1", 5), liveTraffic(5));
    }

    @Test
    void anUnknownVersionIsAnInputErrorThatListsTheVersions() {
        StringWriter err = new StringWriter();
        CommandLine cli = SkiffCli.commandLine()
                .setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err));
        int code = cli.execute(
                "promote", "fraud", "--to", "9", "--endpoint-url", local.endpoint(), "--region", "us-east-1");
        assertEquals(2, code);
        assertTrue(err.toString().contains("versions: 1, 2"), err.toString());
    }
}
