package dev.skiff.emulator.lambda;

import dev.skiff.emulator.template.FunctionDefinition;

/**
 * {@code $LATEST} or a published version: the configuration it froze. Locally, every version runs
 * the function's current code directory, so a code change reaches all versions (see hot reload).
 */
public record FunctionVersion(
        String version,
        FunctionDefinition definition,
        String codeSha256,
        String lastModified,
        String description,
        String revisionId) {

    public static final String LATEST = "$LATEST";

    public String functionName() {
        return definition.functionName();
    }
}
