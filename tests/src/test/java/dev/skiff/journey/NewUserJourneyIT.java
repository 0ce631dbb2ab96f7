package dev.skiff.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * A new user's path, with the Skiff distribution this build wrote (distribution/target/skiff), each
 * step a process as the user runs it: {@code skiff init}, then the build command it prints, then the
 * serve command it prints, an inference (200), and {@code skiff package}.
 *
 * <p>The starter builds offline: Skiff's artifacts from the distribution's repository (as its
 * .mvn/maven.config names it), everything else from this build's local repository, both read behind
 * an empty local repository, so that no Skiff artifact installed in ~/.m2 is read instead. The serve
 * command gets a free port, as a test must not take 3000.
 */
class NewUserJourneyIT {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;

    @Test
    void initBuildServeInferAndPackage() throws Exception {
        Path home = Path.of(System.getProperty("skiff.distribution", "../distribution/target/skiff"))
                .toAbsolutePath()
                .normalize();
        assumeTrue(Files.isDirectory(home.resolve("lib")), home + " is not built (./mvnw package builds it)");
        Path skiff = home.resolve("bin/skiff");
        Path examples = Path.of(System.getProperty("skiff.examples.models", "../examples/models"))
                .toAbsolutePath();
        Path project = work.resolve("fraud-scorer");

        String init = run(
                work,
                Map.of(),
                Duration.ofMinutes(1),
                skiff.toString(),
                "init",
                "--model",
                examples.resolve("fraud").toString(),
                project.toString());
        List<String> printed = init.lines()
                .filter(line -> line.startsWith("  "))
                .map(String::strip)
                .toList();
        assertEquals(3, printed.size(), init);
        String build = printed.get(0);
        String serve = printed.get(1);
        assertTrue(build.startsWith("cd " + project + " && ") && build.contains("./mvnw -B package"), build);
        assertEquals(
                "-Dmaven.repo.local.tail=" + home.resolve("repository") + "\n",
                Files.readString(project.resolve(".mvn/maven.config")));

        String userRepository =
                System.getProperty("skiff.maven.repository", System.getProperty("user.home") + "/.m2/repository");
        run(
                work,
                Map.of(
                        "MAVEN_ARGS",
                        "-o -ntp -Dmaven.repo.local=" + work.resolve("m2") + " -Dmaven.repo.local.tail="
                                + home.resolve("repository") + "," + userRepository
                                + " -Dmaven.repo.local.tail.ignoreAvailability=true"),
                BUILD_TIMEOUT,
                "bash",
                "-c",
                build);
        assertTrue(Files.isDirectory(project.resolve("target/lambda/native")), "the build laid out target/lambda");

        int port = freePort();
        Path serveLog = work.resolve("serve.log");
        Process server = new ProcessBuilder("bash", "-c", "exec " + serve + " --port " + port + " --lambda-port -1")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(serveLog.toFile())
                .start();
        try {
            awaitLine(serveLog, "HTTP API on", server);
            String uri = "http://127.0.0.1:" + port + "/v2/models/fraud/infer";
            for (Path request : List.of(project.resolve("request.json"), examples.resolve("../requests/fraud.json"))) {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(uri))
                                .timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofFile(request))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(
                        200,
                        response.statusCode(),
                        request + ": " + response.body() + "\n" + Files.readString(serveLog));
                assertTrue(response.body().contains("\"model_name\":\"fraud\""), response.body());
            }
        } finally {
            stop(server);
        }

        run(project, Map.of(), Duration.ofMinutes(2), skiff.toString(), "package", "--runs", "3", "--warmup", "1");
        assertTrue(Files.isRegularFile(project.resolve(".skiff/package.json")));
        try (ZipFile zip =
                new ZipFile(project.resolve(".skiff/fraud/function.zip").toFile())) {
            assertNotNull(zip.getEntry("lib/function-runtime-lambda-0.1.0-SNAPSHOT.jar"));
            assertNotNull(zip.getEntry("native/libonnxruntime.so"));
            assertNotNull(zip.getEntry("models/fraud/1/model.onnx"));
        }
        // the fraud example captures, so package zips the drift function from the jars in the distribution's lib/,
        // found by the names monitoring's build listed: a version Maven picks differently for lib/ fails here
        try (ZipFile drift = new ZipFile(
                project.resolve(".skiff/drift-function/function.zip").toFile())) {
            assertNotNull(drift.getEntry("lib/monitoring-0.1.0-SNAPSHOT.jar"));
        }
    }

    /** Runs a command to its end; its output, which a failure shows. */
    private static String run(Path dir, Map<String, String> env, Duration timeout, String... command) throws Exception {
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            stop(process);
            fail(String.join(" ", command) + " ran past " + timeout + ":\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }

    private static void awaitLine(Path log, String text, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!Files.readString(log).contains(text)) {
            if (!process.isAlive()) fail("the server stopped:\n" + Files.readString(log));
            if (System.nanoTime() > deadline) fail("no '" + text + "' within a minute:\n" + Files.readString(log));
            Thread.sleep(100);
        }
    }

    /** Stops a process and what it started (the emulator's function processes). */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
        children.forEach(ProcessHandle::destroy);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
