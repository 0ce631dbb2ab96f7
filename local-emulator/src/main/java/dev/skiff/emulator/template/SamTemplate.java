package dev.skiff.emulator.template;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the emulator takes from a SAM template: its functions, their extra aliases, the HTTP API
 * routes, the GPU pool its HTTP_PROXY routes reach (or null), and the template content it does not
 * emulate (reported to the user by name).
 */
public record SamTemplate(
        Path file,
        List<FunctionDefinition> functions,
        List<AliasDefinition> aliases,
        List<HttpRoute> routes,
        GpuPoolDefinition gpuPool,
        List<String> warnings) {

    public Optional<FunctionDefinition> function(String name) {
        return functions.stream()
                .filter(f -> f.functionName().equals(name) || f.logicalId().equals(name))
                .findFirst();
    }

    /** Whether any route goes to the GPU pool. */
    public boolean hasGpuPoolRoutes() {
        return routes.stream().anyMatch(r -> r.target() instanceof RouteTarget.HttpProxy);
    }
}
