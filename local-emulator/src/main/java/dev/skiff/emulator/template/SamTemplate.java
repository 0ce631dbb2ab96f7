package dev.skiff.emulator.template;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the emulator takes from a SAM template: its functions and HTTP API routes, and the
 * template content it does not emulate (reported to the user by name).
 */
public record SamTemplate(Path file, List<FunctionDefinition> functions, List<HttpRoute> routes, List<String> warnings) {

    public Optional<FunctionDefinition> function(String name) {
        return functions.stream()
                .filter(f -> f.functionName().equals(name) || f.logicalId().equals(name))
                .findFirst();
    }
}
