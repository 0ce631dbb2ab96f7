package dev.skiff.runtime.testing.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.contract.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The built-in vector set, its selections, and the errors a wrong vector file gets. */
class ProtocolVectorsTest {
    static final ProtocolVectors BUILT_IN = ProtocolVectors.builtIn();
    static final Path EXAMPLE_REQUESTS = Path.of(System.getProperty("skiff.examples.models", "../../examples/models"))
            .resolveSibling("requests");

    @TempDir
    Path dir;

    @Test
    void theBuiltInSetHoldsBothFormerSets() {
        assertEquals(37, BUILT_IN.size(), BUILT_IN.list()::toString);
        assertEquals("live", BUILT_IN.throughAlias());
        assertEquals(
                Set.of("alias", "direct", "error", "health", "infer", "metadata", "not-json-payload", "stage", "text"),
                BUILT_IN.tags());
        ProtocolVector infer = BUILT_IN.named("infer");
        assertEquals("POST", infer.method());
        assertEquals("/v2/models/fraud/infer", infer.path());
        assertEquals(200, infer.status());
        assertEquals(Set.of(Target.LAMBDA, Target.GPU_POOL), infer.targets());
        assertEquals(Set.of("x-skiff-target"), infer.differsByTarget().headers());
        assertEquals(
                Set.of("extensions"),
                BUILT_IN.named("server metadata").differsByTarget().bodyFields());
        assertNull(BUILT_IN.named("wrong method").body());
    }

    @Test
    void bodyFilesAreTheExampleRequests() throws IOException {
        assertEquals(
                Files.readString(EXAMPLE_REQUESTS.resolve("fraud.json")),
                BUILT_IN.named("infer").body());
        assertEquals(
                Files.readString(EXAMPLE_REQUESTS.resolve("minilm.json")),
                BUILT_IN.named("text embedding").body());
    }

    @Test
    void directInvocationsAreForLambdaAlone() {
        List<ProtocolVector> direct = BUILT_IN.tagged("direct").list();
        assertEquals(3, direct.size());
        for (ProtocolVector vector : direct) {
            assertTrue(vector.isDirect(), vector.name());
            assertEquals(Set.of(Target.LAMBDA), vector.targets(), vector.name());
            assertEquals("fraud", vector.model());
            assertNull(vector.method());
        }
        assertTrue(BUILT_IN.servedBy(Target.GPU_POOL).stream().noneMatch(ProtocolVector::isDirect));
        assertEquals(BUILT_IN.size(), BUILT_IN.servedBy(Target.LAMBDA).size());
        assertEquals(
                BUILT_IN.size() - 3,
                BUILT_IN.servedBy(Target.LAMBDA, Target.GPU_POOL).size());
    }

    @Test
    void selectionsNarrowByTag() {
        ProtocolVectors errors = BUILT_IN.tagged("error");
        assertTrue(errors.stream().allMatch(v -> v.status() >= 400), errors.list()::toString);
        assertTrue(BUILT_IN.notTagged("error").stream().allMatch(v -> v.status() == 200));
        assertEquals(
                List.of("text model given numbers"),
                errors.tagged("text").stream().map(ProtocolVector::name).toList());
        assertFalse(BUILT_IN.notTagged("alias", "direct").stream().anyMatch(v -> v.tagged("alias") || v.isDirect()));
    }

    @Test
    void aMisspelledTagOrAnEmptySelectionFails() {
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> BUILT_IN.tagged("inference"));
        assertTrue(
                unknown.getMessage().contains("\"inference\"")
                        && unknown.getMessage().contains("infer"),
                unknown.getMessage());
        IllegalArgumentException empty = assertThrows(
                IllegalArgumentException.class, () -> BUILT_IN.tagged("direct").servedBy(Target.GPU_POOL));
        assertTrue(empty.getMessage().contains("served by [gpu-pool]"), empty.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> BUILT_IN.named("nope"));
        assertTrue(name.getMessage().contains("there are: server metadata, liveness"), name.getMessage());
    }

    @Test
    void aSetLoadsFromInsideAJarToo() throws IOException {
        Path jar = dir.resolve("vectors.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            put(
                    zip,
                    "v/set.json",
                    "{\"vectors\": [{\"name\": \"a\", \"method\": \"POST\","
                            + " \"path\": \"/v2/models/m/infer\", \"bodyFile\": \"a.json\", \"status\": 200}]}");
            put(zip, "v/requests/a.json", "{\"inputs\": []}");
        }
        URL inJar = URI.create("jar:" + jar.toUri() + "!/v/set.json").toURL();
        assertEquals("{\"inputs\": []}", ProtocolVectors.load(inJar).named("a").body());
    }

    /** Each case: the file (with ' for ") | what the error must say. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json at all|is not JSON",
                "[]|expected a JSON object",
                "{'vectors': []}|'vectors' must be a non-empty array",
                "{'vector': [{}]}|unknown field 'vector'",
                "{'vectors': [{'method': 'GET', 'path': '/v2', 'status': 200}]}|'name' must be a non-empty string",
                "{'vectors': [{'name': 'a', 'method': 'GET', 'path': '/v2'}]}|vector 'a': 'status' must be an HTTP status",
                "{'vectors': [{'name': 'a', 'method': 'GET', 'path': '/v2', 'status': 42}]}|must be an HTTP status, not 42",
                "{'vectors': [{'name': 'a', 'path': '/v2', 'status': 200}]}|'method' must be a non-empty string",
                "{'vectors': [{'name': 'a', 'method': 'GET', 'path': 'v2', 'status': 200}]}|path must start with /",
                "{'vectors': [{'name': 'a', 'method': 'GET', 'path': '/v2', 'status': 200, 'statsu': 1}]}"
                        + "|unknown field 'statsu'",
                "{'vectors': [{'name': 'a', 'method': 'GET', 'path': '/v2', 'status': 200, 'targets': ['tpu']}]}"
                        + "|unknown target 'tpu'",
                "{'vectors': [{'name': 'a', 'invocation': 'grpc', 'status': 200}]}|invocation must be http or direct",
                "{'vectors': [{'name': 'a', 'invocation': 'direct', 'model': 'm', 'status': 200}]}"
                        + "|a direct invocation reaches functions only",
                "{'vectors': [{'name': 'a', 'invocation': 'direct', 'status': 200, 'targets': ['lambda']}]}"
                        + "|'model' must be a non-empty string",
                "{'vectors': [{'name': 'a', 'method': 'GET', 'path': '/v2', 'model': 'm', 'status': 200}]}"
                        + "|'model' is for direct invocations",
                "{'vectors': [{'name': 'a', 'method': 'POST', 'path': '/v2', 'status': 200, 'body': '{}',"
                        + " 'bodyFile': 'x.json'}]}|either 'body' or 'bodyFile'",
                "{'vectors': [{'name': 'a', 'method': 'POST', 'path': '/v2', 'status': 200, 'bodyFile': 'x.json'}]}"
                        + "|bodyFile x.json is not at",
                "{'vectors': [{'name': 'a', 'method': 'GET', 'path': '/v2', 'status': 200},"
                        + " {'name': 'a', 'method': 'GET', 'path': '/v2', 'status': 200}]}|two vectors named 'a'",
                "{'vectors': [{'name': 'a', 'method': 'GET', 'path': '/v2', 'status': 200,"
                        + " 'differsByTarget': {'header': []}}]}|differsByTarget: unknown field 'header'",
            })
    void aWrongFileIsNamedWithWhatIsWrong(String fileAndError) throws IOException {
        String[] parts = fileAndError.replace('\'', '"').split("\\|");
        Path file = Files.writeString(dir.resolve("set.json"), parts[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProtocolVectors.load(file));
        assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
        assertTrue(e.getMessage().contains("set.json"), e.getMessage());
    }

    private static void put(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        OutputStream out = zip;
        out.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}
