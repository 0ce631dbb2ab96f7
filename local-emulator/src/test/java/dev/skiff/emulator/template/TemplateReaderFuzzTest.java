package dev.skiff.emulator.template;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The template reader on templates nobody here wrote: it reads them or refuses them with a
 * {@link TemplateException} that says what is wrong; anything else it throws is a finding.
 * <p>The test run replays the committed corpus ({@code TemplateReaderFuzzTestInputs/}, seeded with
 * sam/template.yaml); a fuzzing run is README's "Fuzzing" command.
 */
class TemplateReaderFuzzTest {
    static final Path TEMPLATE = templateFile();

    @FuzzTest(maxDuration = "10s")
    void readsOrRefusesWithATemplateError(byte[] template) throws IOException {
        Files.write(TEMPLATE, template);
        try {
            assertNotNull(SamTemplateLoader.load(TEMPLATE, Map.of(), "us-east-1"));
        } catch (TemplateException refused) {
            assertNotNull(refused.getMessage(), "a refusal says what was wrong");
        }
    }

    private static Path templateFile() {
        try {
            Path dir = Files.createTempDirectory("skiff-template-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("template.yaml");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
