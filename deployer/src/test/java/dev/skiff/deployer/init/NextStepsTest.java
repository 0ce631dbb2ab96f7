package dev.skiff.deployer.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

class NextStepsTest {
    @TempDir
    Path work;

    @Test
    void aShellWithoutAJdk21BuildsWithSkiffsOwn() throws Exception {
        Path launcher = executable(work.resolve("home/bin/skiff"));
        NextSteps steps = new NextSteps(work.resolve("home"), launcher, false, "/opt/jdk-25", "");
        assertEquals(
                List.of(
                        "created " + work.resolve("p") + " (plain). Next (./mvnw needs a JDK 21+; this shell's java is "
                                + "older, so it gets skiff's):",
                        "  cd " + work.resolve("p") + " && JAVA_HOME=/opt/jdk-25 ./mvnw -B package",
                        "  " + launcher + " local start-api --template template.yaml",
                        "then, from " + work.resolve("p") + " in another shell:",
                        "  curl -s -X POST --data-binary @request.json http://127.0.0.1:3000/v2/models/fraud/infer"),
                steps.lines(work.resolve("x/../p"), "plain", "fraud"));
        List<String> withJdk21 = new NextSteps(work.resolve("home"), launcher, true, "/opt/jdk-25", "")
                .lines(work.resolve("p"), "plain", "m");
        assertEquals("created " + work.resolve("p") + " (plain). Next:", withJdk21.get(0));
        assertEquals("  cd " + work.resolve("p") + " && ./mvnw -B package", withJdk21.get(1));
    }

    @Test
    void skiffByNameOnlyWhenThePathFindsThisLauncher() throws Exception {
        Path home = work.resolve("home");
        Path launcher = executable(home.resolve("bin/skiff"));
        Path onPath = Files.createDirectories(work.resolve("bin"));
        Files.createSymbolicLink(onPath.resolve("skiff"), launcher);
        Path other = executable(work.resolve("other/skiff"));
        String empty = Files.createDirectories(work.resolve("empty")).toString();

        assertEquals(
                "skiff", new NextSteps(home, launcher, true, "", empty + File.pathSeparator + onPath).skiffCommand());
        assertEquals(
                launcher.toString(),
                new NextSteps(home, launcher, true, "", other.getParent() + File.pathSeparator + onPath)
                        .skiffCommand());
        assertEquals(launcher.toString(), new NextSteps(home, launcher, true, "", empty).skiffCommand());
        assertEquals("skiff", new NextSteps(home, null, true, "", onPath.toString()).skiffCommand());
    }

    private static Path executable(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
