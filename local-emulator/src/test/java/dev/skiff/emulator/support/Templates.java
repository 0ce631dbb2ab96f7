package dev.skiff.emulator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes test templates next to the test function packages. */
public final class Templates {
    public static final String HANDLER = "dev.skiff.emulator.testfunctions.ScriptedHandler::handleRequest";

    private Templates() {}

    /**
     * A template of one Java function, Scorer, over the test package "one" written to
     * DIRECTORY/code, published to the alias live; {@code properties} are further lines of its
     * Properties, such as {@code "MemorySize: 256"}.
     */
    public static Path scorer(Path directory, String... properties) {
        TestFunctionPackage.javaPackage(directory.resolve("code"), "one");
        StringBuilder lines = new StringBuilder();
        for (String property : properties)
            lines.append("      ").append(property).append('\n');
        return write(directory, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Scorer:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: %s
                      CodeUri: code
                      AutoPublishAlias: live
                %s""".formatted(HANDLER, lines));
    }

    public static Path write(Path directory, String yaml) {
        try {
            Files.createDirectories(directory);
            return Files.writeString(directory.resolve("template.yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
