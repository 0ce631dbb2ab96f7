package dev.skiff.deployer.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.cli.ExitCodes;
import dev.skiff.deployer.cli.SkiffCli;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.deploy.PoolPublisher;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.runtime.contract.Target;
import dev.skiff.store.InProcessS3;
import dev.skiff.store.ModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pool's release channel on its model store in S3 (Adobe's S3Mock in this JVM, through the AWS
 * SDK with an endpoint override, as skiff reaches S3): promote, rollback and status read and write
 * the store's alias document, a lost race is a conflict (exit 7) that changes nothing, and deploy
 * publishes the packaged pool versions.
 */
class PoolReleaseChannelTest {
    static final String STORE = "s3://pool/models";

    @TempDir
    static Path temp;

    static InProcessS3 s3;
    static ModelStore store;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("aws.accessKeyId", InProcessS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", InProcessS3.SECRET_KEY);
        s3 = new InProcessS3(Files.createDirectories(temp.resolve("s3")), "pool");
        store = ModelStore.s3(s3.client(), STORE);
        PackagedModel fraud = packaged("fraud", "1", "2", "3");
        new PoolPublisher(store, line -> {}).publish(fraud);
    }

    @AfterAll
    static void stop() {
        if (store != null) store.close();
        if (s3 != null) s3.close();
    }

    @BeforeEach
    void liveOnOne() {
        AliasDocument live = AliasDocument.empty().with("fraud", "live", AliasRoute.to(1));
        store.writeAliases(live, store.aliases().tag());
    }

    /** A pool package as skiff package lays it out: models/{name}/{version}/model.onnx. */
    static PackagedModel packaged(String name, String... versions) throws Exception {
        Path context = temp.resolve("gpu-pool-" + name);
        for (String version : versions) {
            Path file = context.resolve("models").resolve(name).resolve(version).resolve("model.onnx");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "model " + name + " " + version);
        }
        return new PackagedModel(
                name,
                Target.GPU_POOL,
                "pool-image",
                "x86_64",
                context,
                null,
                0,
                0,
                null,
                List.of(versions),
                null,
                null);
    }

    static String[] skiff(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of("--pool-store", STORE, "--endpoint-url", s3.endpoint().toString(), "--region", "us-east-1"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SkiffCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(all.toArray(String[]::new));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void promoteAndRollbackWriteTheStoresDocument() {
        String[] canary = skiff("promote", "fraud", "--to", "2", "--canary", "20");
        assertEquals("0", canary[0], canary[2]);
        assertEquals(new AliasRoute(1, 2L, 0.2), store.aliases().document().route("fraud", "live"));
        assertTrue(canary[1].contains("alias live 1 -> 1 (80%) + 2 (20%)"), canary[1]);

        String[] status = skiff("status");
        assertEquals("0", status[0], status[2]);
        assertTrue(status[1].contains("1, 2, 3"), status[1]);
        assertTrue(status[1].contains("1 (80%) + 2 (20%)"), status[1]);

        assertEquals("0", skiff("promote", "fraud", "--to", "2")[0]);
        assertEquals(AliasRoute.to(2), store.aliases().document().route("fraud", "live"));
        assertEquals("0", skiff("rollback", "fraud")[0]);
        assertEquals(AliasRoute.to(1), store.aliases().document().route("fraud", "live"));

        String[] unknown = skiff("promote", "fraud", "--to", "9");
        assertEquals(Integer.toString(ExitCodes.USAGE_OR_INPUT), unknown[0]);
        assertTrue(unknown[2].contains("has no version 9; versions: 1, 2, 3"), unknown[2]);
    }

    @Test
    void twoPromotesRacingLeaveExactlyTheWinnersChange() throws Exception {
        CyclicBarrier bothRead = new CyclicBarrier(2);
        try (ExecutorService releases = Executors.newFixedThreadPool(2)) {
            List<Future<AliasState>> results = new ArrayList<>();
            for (String version : new String[] {"2", "3"}) {
                results.add(releases.submit(() -> {
                    try (ReleaseChannel channel = new WritingAfterBothRead(
                            new PoolReleaseChannel(ModelStore.s3(s3.client(), STORE), "fraud"), bothRead)) {
                        return AliasMover.promote(channel, "live", version, 20);
                    }
                }));
            }
            List<AliasState> won = new ArrayList<>();
            List<UserError> lost = new ArrayList<>();
            for (Future<AliasState> result : results) {
                try {
                    won.add(result.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    lost.add((UserError) e.getCause());
                }
            }
            assertEquals(1, won.size(), "one promote wins");
            assertEquals(1, lost.size(), "the other loses");
            assertEquals(ExitCodes.CONFLICT, lost.get(0).exitCode());
            assertTrue(
                    lost.get(0).getMessage().startsWith("conflict: another release changed"), lost.get(0)::getMessage);
            AliasState winner = won.get(0);
            assertEquals(
                    PoolReleaseChannel.route(winner), store.aliases().document().route("fraud", "live"));
        }
    }

    @Test
    void deployPublishesEachVersionOnceAndRefusesAChangedOne() throws Exception {
        List<String> lines = new ArrayList<>();
        new PoolPublisher(store, lines::add).publish(packaged("fraud", "1", "2", "3"));
        assertEquals(3, lines.stream().filter(l -> l.contains("already in")).count(), lines::toString);

        PackagedModel changed = packaged("fraud", "3");
        Files.writeString(changed.artifact().resolve("models/fraud/3/model.onnx"), "another model");
        UserError refused = assertThrows(UserError.class, () -> new PoolPublisher(store, l -> {}).publish(changed));
        assertTrue(refused.getMessage().contains("store versions are immutable"), refused::getMessage);
        packaged("fraud", "3"); // as it was, for the other tests
    }

    /**
     * Holds each write until both releases have read the document: the race, every time. The two writes
     * then go one after the other, in either order: S3Mock checks If-Match and writes in two steps, so
     * writes at the same instant could both pass there, where S3 itself serializes conditional writes.
     */
    private record WritingAfterBothRead(ReleaseChannel channel, CyclicBarrier bothRead) implements ReleaseChannel {
        private static final Object ONE_WRITE_AT_A_TIME = new Object();

        @Override
        public Target target() {
            return channel.target();
        }

        @Override
        public String location() {
            return channel.location();
        }

        @Override
        public List<String> versions() {
            return channel.versions();
        }

        @Override
        public List<AliasState> aliases() {
            return channel.aliases();
        }

        @Override
        public void setAlias(AliasState route) {
            try {
                bothRead.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            synchronized (ONE_WRITE_AT_A_TIME) {
                channel.setAlias(route);
            }
        }

        @Override
        public void close() {
            channel.close();
        }
    }
}
