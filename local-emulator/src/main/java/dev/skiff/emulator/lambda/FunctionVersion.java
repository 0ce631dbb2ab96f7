package dev.skiff.emulator.lambda;

import dev.skiff.emulator.template.FunctionDefinition;

import java.nio.file.Path;

/**
 * {@code $LATEST} or a published version: the configuration and the code it froze.
 *
 * @param codeDirectory the version's snapshot in the {@link CodeStore}, or null for $LATEST,
 *     which runs the function's current code (hot reload)
 */
public record FunctionVersion(
        String version,
        FunctionDefinition definition,
        String codeSha256,
        long codeSize,
        Path codeDirectory,
        String lastModified,
        String description,
        String revisionId) {

    public static final String LATEST = "$LATEST";

    public String functionName() {
        return definition.functionName();
    }

    public boolean isLatest() {
        return version.equals(LATEST);
    }
}
