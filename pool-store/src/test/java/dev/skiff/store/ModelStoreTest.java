package dev.skiff.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The store on S3 (in-process S3Mock, through the SDK) and on a directory: the same behaviour from both. */
class ModelStoreTest {
    @TempDir
    static Path temp;

    static InProcessS3 s3;
    static int stores;

    @BeforeAll
    static void startS3() {
        s3 = new InProcessS3(temp.resolve("s3"), "pool");
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    private static ModelStore store(String kind) {
        stores++;
        return kind.equals("s3")
                ? ModelStore.s3(s3.client(), "s3://pool/stores/" + stores)
                : ModelStore.directory(temp.resolve("dir-" + stores));
    }

    private static Path modelDir(String version, String content) throws IOException {
        Path model = Files.createTempDirectory(temp, "model");
        Files.writeString(model.resolve("config.json"), "{\"instances\": 1}");
        Files.createDirectories(model.resolve(version));
        Files.writeString(model.resolve(version).resolve("model.onnx"), content);
        return model;
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "dir"})
    void publishedVersionsDownloadCheckedAgainstTheirManifest(String kind) throws IOException {
        try (ModelStore store = store(kind)) {
            store.publish("fraud", 1, modelDir("1", "weights one"));
            store.publish("fraud", 2, modelDir("2", "weights two"));
            assertEquals(Map.of("fraud", List.of(1L, 2L)), store.versions());
            VersionManifest manifest = store.manifest("fraud", 2).orElseThrow();
            assertEquals(
                    Checksums.sha256("weights two".getBytes()),
                    manifest.files().get("model.onnx").sha256());

            Path target = temp.resolve(kind + "-download-" + stores);
            store.download(manifest, target.resolve("2"), target.resolve("config.json"));
            assertEquals("weights two", Files.readString(target.resolve("2/model.onnx")));
            assertEquals("{\"instances\": 1}", Files.readString(target.resolve("config.json")));

            StoreConflictException again =
                    assertThrows(StoreConflictException.class, () -> store.publish("fraud", 2, modelDir("2", "x")));
            assertTrue(again.getMessage().contains("immutable"), again.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "dir"})
    void aDownloadThatDiffersFromTheManifestFails(String kind) throws IOException {
        try (ModelStore store = store(kind)) {
            store.publish("fraud", 1, modelDir("1", "weights one"));
            VersionManifest wrong = new VersionManifest(
                    "fraud",
                    1,
                    null,
                    Map.of("model.onnx", new VersionManifest.FileEntry(Checksums.sha256(new byte[0]), 11)));
            Path target = temp.resolve(kind + "-bad-" + stores);
            IllegalStateException e = assertThrows(
                    IllegalStateException.class, () -> store.download(wrong, target, target.resolve("config.json")));
            assertTrue(e.getMessage().contains("does not match its manifest"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "dir"})
    void aliasWritesAreConditionalOnWhatWasRead(String kind) {
        try (ModelStore store = store(kind)) {
            ModelStore.AliasSnapshot absent = store.aliases();
            assertNull(absent.tag());
            ModelStore.AliasSnapshot first =
                    store.writeAliases(absent.document().with("fraud", "live", AliasRoute.to(1)), null);
            // a second creator, who also read "absent", loses
            StoreConflictException created = assertThrows(
                    StoreConflictException.class,
                    () -> store.writeAliases(AliasDocument.empty().with("fraud", "live", AliasRoute.to(2)), null));
            assertTrue(created.getMessage().contains("created by another writer"), created.getMessage());

            ModelStore.AliasSnapshot second =
                    store.writeAliases(first.document().with("fraud", "canary", AliasRoute.to(2)), first.tag());
            // a writer still holding the first tag loses, and the document keeps the second write
            assertThrows(
                    StoreConflictException.class,
                    () -> store.writeAliases(first.document().without("fraud", "live"), first.tag()));
            assertEquals(second.document(), store.aliases().document());
            assertEquals(second.tag(), store.aliases().tag());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3", "dir"})
    void ofTwoRacingUpdatesExactlyOneWins(String kind) throws Exception {
        try (ModelStore store = store(kind)) {
            ModelStore.AliasSnapshot base =
                    store.writeAliases(AliasDocument.empty().with("fraud", "live", AliasRoute.to(1)), null);
            CountDownLatch bothRead = new CountDownLatch(2);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            List<Future<String>> outcomes = List.of(2L, 3L).stream()
                    .map(version -> threads.submit(() -> {
                        ModelStore.AliasSnapshot read = store.aliases();
                        bothRead.countDown();
                        bothRead.await();
                        // both hold the same tag; the writes go one after the other, in either order: S3Mock
                        // checks If-Match and writes in two steps, where S3 itself serializes conditional writes
                        synchronized (bothRead) {
                            try {
                                store.writeAliases(
                                        read.document().with("fraud", "live", AliasRoute.to(version)), read.tag());
                                return "won " + version;
                            } catch (StoreConflictException e) {
                                return "conflict";
                            }
                        }
                    }))
                    .toList();
            List<String> results =
                    List.of(outcomes.get(0).get(), outcomes.get(1).get());
            threads.shutdown();
            assertEquals(1, results.stream().filter("conflict"::equals).count(), results.toString());
            long winner = Long.parseLong(results.stream()
                    .filter(r -> r.startsWith("won"))
                    .findFirst()
                    .orElseThrow()
                    .substring(4));
            assertEquals(AliasRoute.to(winner), store.aliases().document().route("fraud", "live"));
            assertTrue(!base.tag().equals(store.aliases().tag()));
        }
    }
}
