package dev.skiff.emulator.invokeapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.support.CollectingLog;
import dev.skiff.emulator.support.LocalLambdaClient;
import dev.skiff.emulator.support.Templates;
import dev.skiff.emulator.support.TestFunctionPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** GetFunction's Code.Location downloads the version's .zip, as AWS's presigned URL does. */
class CodeDownloadTest {
    @TempDir
    static Path directory;

    static Emulator emulator;
    static LambdaClient lambda;

    @BeforeAll
    static void start() throws Exception {
        Path template = Templates.scorer(directory);
        emulator = Emulator.start(
                Emulator.Options.defaults(template).withPorts(-1, 0).withLog(new CollectingLog()));
        lambda = LocalLambdaClient.of(emulator);
    }

    @AfterAll
    static void stop() {
        lambda.close();
        emulator.close();
    }

    @Test
    void anUploadedZipDownloadsByteForByteAndADirectoryAsItsFilesZipped() throws Exception {
        byte[] zip = VersionSnapshotTest.zip(TestFunctionPackage.javaPackage(directory.resolve("two"), "two"), 0);
        lambda.updateFunctionCode(b -> b.functionName("Scorer").zipFile(SdkBytes.fromByteArray(zip)));
        String two = lambda.publishVersion(b -> b.functionName("Scorer")).version();

        GetFunctionResponse published =
                lambda.getFunction(b -> b.functionName("Scorer").qualifier(two));
        byte[] downloaded = download(published.code().location());
        assertArrayEquals(zip, downloaded);
        assertEquals(
                published.configuration().codeSha256(),
                Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256").digest(downloaded)));
        assertArrayEquals(
                zip,
                download(
                        lambda.getFunction(b -> b.functionName("Scorer")).code().location()));

        // version 1, behind live, is the template's directory: its files come back zipped
        GetFunctionResponse live =
                lambda.getFunction(b -> b.functionName("Scorer").qualifier("live"));
        assertTrue(live.code().location().endsWith("/1.zip"), live.code().location());
        assertEquals("one", entry(download(live.code().location()), "marker.txt"));
    }

    static byte[] download(String location) throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(
                "application/zip", response.headers().firstValue("content-type").orElse(""));
        return response.body();
    }

    static String entry(byte[] zip, String name) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.getName().equals(name)) return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError(name + " is not in the download");
    }
}
