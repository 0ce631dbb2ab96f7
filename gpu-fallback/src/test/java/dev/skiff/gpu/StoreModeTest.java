package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.store.InProcessS3;
import dev.skiff.store.ModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pool on a shared model store in S3 (Adobe's S3Mock in this JVM, reached through the AWS SDK
 * with an endpoint override): versions synced and checked, aliases from the store's document,
 * the management API writing the document with optimistic concurrency.
 */
class StoreModeTest {
    static final String BODY = BatchingTest.request(null, "x", "FP32", new long[] {1, 2}, "[1,2]");
    static final String STORE = "s3://pool/models";

    @TempDir
    static Path temp;

    static InProcessS3 s3;
    static ModelStore writer; // the deployer's side of the store

    @BeforeAll
    static void store() throws Exception {
        System.setProperty("aws.accessKeyId", InProcessS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", InProcessS3.SECRET_KEY);
        s3 = new InProcessS3(Files.createDirectories(temp.resolve("s3")), "pool");
        writer = ModelStore.s3(s3.client(), STORE);
        publish("fraud", 1);
        writer.writeAliases(AliasDocument.empty().with("fraud", "live", AliasRoute.to(1)), null);
    }

    @AfterAll
    static void stop() {
        if (writer != null) writer.close();
        if (s3 != null) s3.close();
    }

    static void publish(String model, int version) throws Exception {
        Path local = temp.resolve("local-" + model + "-" + version);
        Repositories.model(local, model, version, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), "{}");
        writer.publish(model, version, local.resolve(model));
    }

    static TestServer pool(String pollSeconds) throws Exception {
        return TestServer.start(STORE, "--store-endpoint", s3.endpoint().toString(), "--poll-seconds", pollSeconds);
    }

    static String servedVersion(TestServer pool) {
        TestServer.Reply reply = pool.post("/v2/models/fraud/infer", BODY);
        assertEquals(200, reply.status(), reply::text);
        return reply.json().path("model_version").asText();
    }

    @Test
    void aTaskServesTheStoresVersionsAndAliasesOnceSynced() throws Exception {
        try (TestServer pool = pool("1")) {
            assertEquals(200, pool.get("/v2/health/ready").status());
            assertEquals("1", servedVersion(pool));
            assertEquals(
                    "1",
                    pool.manage("GET", "/v2/repository/models/fraud/aliases/live", null)
                            .json()
                            .path("version")
                            .asText());
            assertTrue(pool.log().contains("\"message\":\"version synced\""), pool::log);
            assertTrue(pool.log().contains("\"message\":\"store synced\""), pool::log);

            // a new version: synced, loaded and warmed without a restart, then the moved alias routes to it
            publish("fraud", 2);
            writer.updateAliases(d -> d.with("fraud", "live", AliasRoute.to(2)));
            Eventually.await(() -> servedVersion(pool).equals("2"), "the task serves version 2");
            TestServer.Reply index = pool.manage("POST", "/v2/repository/index", null);
            assertEquals(2, index.json().size(), index::text);
        }
    }

    @Test
    void aVersionDeletedFromTheStoreIsUnloadedOnceNoAliasRoutesToIt() throws Exception {
        publish("retired", 1);
        publish("retired", 2);
        writer.updateAliases(d -> d.with("retired", "live", AliasRoute.to(2)));
        try (TestServer pool = pool("1")) {
            assertEquals(200, pool.get("/v2/models/retired/versions/1").status());

            deleteFromStore("retired", 1);
            Eventually.await(() -> pool.get("/v2/models/retired/versions/1").status() == 404, "version 1 is unloaded");
            // the poller logs after it unloads and removes the files: the 404 can come first
            Eventually.await(
                    () -> pool.log().contains("version deleted from the store; unloaded and its files removed"),
                    "the unload is logged");
            assertEquals(200, pool.get("/v2/models/retired/versions/2").status(), "version 2 still serves");

            // live routes to version 2: deleting it from the store does not take live down
            deleteFromStore("retired", 2);
            Eventually.await(() -> pool.log().contains("aliases still route to it; it keeps serving"), "the warning");
            assertEquals(
                    200,
                    pool.post("/v2/models/retired/versions/live/infer", BODY).status());

            writer.updateAliases(d -> d.without("retired", "live"));
            Eventually.await(
                    () -> pool.get("/v2/models/retired/versions/2").status() == 404,
                    "version 2 unloaded once unrouted");
        }
    }

    /** The version's objects deleted from the store, its manifest with them, as an operator's `aws s3 rm` would. */
    static void deleteFromStore(String model, int version) {
        try (var client = s3.client()) {
            String prefix = "models/" + model + "/" + version + "/";
            client.listObjectsV2Paginator(b -> b.bucket("pool").prefix(prefix))
                    .contents()
                    .forEach(object -> client.deleteObject(b -> b.bucket("pool").key(object.key())));
        }
    }

    @Test
    void aVersionWhoseFilesDoNotMatchItsManifestIsNotServed() throws Exception {
        publish("tampered", 1);
        try (var client = s3.client()) { // the bytes change after publishing: a corrupt upload, or tampering
            client.putObject(b -> b.bucket("pool").key("models/tampered/1/model.onnx"), RequestBody.fromString("x"));
        }
        try (TestServer pool = pool("1")) {
            assertTrue(pool.log().contains("does not match its manifest"), pool::log);
            assertEquals(404, pool.get("/v2/models/tampered").status());
            assertEquals(200, pool.get("/v2/health/ready").status(), "the other models serve");
        }
    }

    @Test
    void theManagementApiWritesTheStoresDocumentForEveryTask() throws Exception {
        try (TestServer a = pool("1");
                TestServer b = pool("1")) {
            TestServer.Reply put = a.manage("PUT", "/v2/repository/models/fraud/aliases/beta", "{\"version\":\"1\"}");
            assertEquals(200, put.status(), put::text);
            assertEquals(AliasRoute.to(1), writer.aliases().document().route("fraud", "beta"));
            Eventually.await(
                    () -> b.manage("GET", "/v2/repository/models/fraud/aliases/beta", null)
                                    .status()
                            == 200,
                    "the other task routes the alias");

            TestServer.Reply unknown =
                    a.manage("PUT", "/v2/repository/models/fraud/aliases/beta", "{\"version\":\"99\"}");
            assertEquals(409, unknown.status(), unknown::text);
            assertTrue(
                    unknown.json().path("error").asText().contains("no version 99 in the model store"), unknown::text);

            TestServer.Reply unload = a.manage("POST", "/v2/repository/models/fraud/versions/1/unload", null);
            assertEquals(409, unload.status(), unload::text);

            TestServer.Reply delete = b.manage("DELETE", "/v2/repository/models/fraud/aliases/beta", null);
            assertEquals(200, delete.status(), delete::text);
            assertNull(writer.aliases().document().route("fraud", "beta"));
        }
    }

    @Test
    void aWriteOnADocumentChangedSinceThisTaskReadItIsAConflict() throws Exception {
        try (TestServer pool = pool("3600")) { // no poll during the test: the task's read stays old
            writer.updateAliases(d -> d.with("fraud", "gamma", AliasRoute.to(1)));
            TestServer.Reply lost =
                    pool.manage("PUT", "/v2/repository/models/fraud/aliases/delta", "{\"version\":\"1\"}");
            assertEquals(409, lost.status(), lost::text);
            assertTrue(lost.json().path("error").asText().contains("changed by another writer"), lost::text);
            assertNull(writer.aliases().document().route("fraud", "delta"), "nothing was written");
            assertEquals(
                    AliasRoute.to(1), writer.aliases().document().route("fraud", "gamma"), "the winner's change stays");

            TestServer.Reply retried =
                    pool.manage("PUT", "/v2/repository/models/fraud/aliases/delta", "{\"version\":\"1\"}");
            assertEquals(200, retried.status(), "the conflict gave the task the newer document: " + retried.text());
            assertEquals(AliasRoute.to(1), writer.aliases().document().route("fraud", "gamma"));
            assertEquals(AliasRoute.to(1), writer.aliases().document().route("fraud", "delta"));
        } finally {
            writer.updateAliases(d -> d.without("fraud", "gamma").without("fraud", "delta"));
        }
    }
}
