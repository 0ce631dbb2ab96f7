package dev.skiff.deployer.template;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/** sam/template.yaml is exactly what templates/deployer renders for the example models. */
class SamApplicationTemplateTest {
    static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    static final Path SAM_TEMPLATE = REPOSITORY.resolve("sam/template.yaml");

    @Test
    void samTemplateIsWhatTheFragmentsRenderForTheExampleModels() throws Exception {
        List<String> expected = ExampleStack.render().lines().toList();
        List<String> actual = Files.readString(SAM_TEMPLATE).lines().toList();
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String want = i < expected.size() ? expected.get(i) : "(end of file)";
            String have = i < actual.size() ? actual.get(i) : "(end of file)";
            if (!want.equals(have)) {
                fail("sam/template.yaml line " + (i + 1) + " is\n  " + have + "\nbut the fragments render\n  " + want
                        + "\nRender it again: bin/jdk ./mvnw -q -pl deployer test-compile exec:java -Dexec.classpathScope=test "
                        + "-Dexec.mainClass=dev.skiff.deployer.template.ExampleStack");
            }
        }
    }
}
