package dev.skiff.deployer.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.testing.OnnxModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

class StarterProjectTest {
    static final Path SKIFF_HOME = Path.of(System.getProperty("skiff.examples.models", "../examples/models"))
            .getParent()
            .getParent();

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = {"plain", "quarkus", "micronaut"})
    void everyStarterIsFilledInCompletely(String framework) throws Exception {
        Path dir = work.resolve("My Fraud-Scorer");
        new StarterProject(SKIFF_HOME, "0.1.0-SNAPSHOT").create(framework, null, dir);
        assertTrue(Files.isRegularFile(dir.resolve("pom.xml")));
        assertTrue(Files.isRegularFile(dir.resolve("template.yaml")));
        assertTrue(Files.isRegularFile(dir.resolve(".gitignore")));
        assertTrue(Files.isExecutable(dir.resolve("mvnw")));
        assertTrue(Files.isRegularFile(dir.resolve(".mvn/wrapper/maven-wrapper.properties")));
        assertTrue(Files.isRegularFile(dir.resolve("models/fraud/1/model.onnx")));
        assertTrue(Files.isRegularFile(dir.resolve("models/fraud/config.json")));
        assertTrue(Files.readString(dir.resolve("request.json")).contains("\"features\""));
        String pom = Files.readString(dir.resolve("pom.xml"));
        assertTrue(pom.contains("<artifactId>my-fraud-scorer</artifactId>"));
        assertTrue(
                pom.contains("<artifactId>skiff-function-parent</artifactId>\n    <version>0.1.0-SNAPSHOT</version>"),
                pom);
        assertEquals(
                "-Dmaven.repo.local.tail="
                        + SKIFF_HOME.toAbsolutePath().normalize().resolve("repository") + "\n",
                Files.readString(dir.resolve(".mvn/maven.config")));
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>)
                    files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".onnx"))::iterator) {
                assertFalse(Files.readString(file).contains("{{"), "placeholder left in " + file);
            }
        }
    }

    @Test
    void anOnnxFileBecomesAModelWithAnExampleRequestOfItsOwnInputs() throws Exception {
        Path onnx = new OnnxModelBuilder()
                .input("pixels", OnnxModelBuilder.FLOAT, "batch", 3)
                .output("out", OnnxModelBuilder.FLOAT, "batch", 3)
                .node("Identity", java.util.List.of("pixels"), java.util.List.of("out"))
                .writeTo(work.resolve("vision.onnx"));
        Path dir = work.resolve("vision");
        new StarterProject(SKIFF_HOME, "0.1.0-SNAPSHOT").create("plain", onnx, dir);
        assertTrue(Files.isRegularFile(dir.resolve("models/vision/1/model.onnx")));
        assertEquals(
                "{\"id\":\"vision-example\",\"inputs\":[{\"name\":\"pixels\",\"datatype\":\"FP32\",\"shape\":[1,3],"
                        + "\"data\":[0.0,0.0,0.0]}]}",
                Files.readString(dir.resolve("request.json")));
    }

    @Test
    void refusesToOverwriteAndNamesBadChoices() throws Exception {
        Path dir = Files.createDirectories(work.resolve("taken"));
        Files.writeString(dir.resolve("keep.txt"), "mine");
        StarterProject starters = new StarterProject(SKIFF_HOME, "0.1.0-SNAPSHOT");
        assertThrows(FileAlreadyExistsException.class, () -> starters.create("plain", null, dir));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> starters.create("spring", null, work.resolve("x")))
                        .getMessage()
                        .contains("choose one of [plain, quarkus, micronaut]"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> starters.create("plain", work.resolve("none.onnx"), work.resolve("y")))
                .getMessage()
                .startsWith("no model at"));
    }
}
