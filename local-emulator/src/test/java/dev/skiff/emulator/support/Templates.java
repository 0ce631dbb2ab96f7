package dev.skiff.emulator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes test templates next to the test function packages. */
public final class Templates {
    public static final String HANDLER = "dev.skiff.emulator.testfunctions.ScriptedHandler::handleRequest";

    private Templates() {}

    public static Path write(Path directory, String yaml) {
        try {
            Files.createDirectories(directory);
            return Files.writeString(directory.resolve("template.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
