package dev.skiff.emulator.template;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the emulator takes from a SAM template: its functions, their extra aliases, the HTTP API
 * routes, the GPU pool its HTTP_PROXY routes reach (or null), the template content it does not
 * emulate (reported to the user by name), and each HTTP API's CORS and throttling by its id.
 */
public record SamTemplate(
        Path file,
        List<FunctionDefinition> functions,
        List<AliasDefinition> aliases,
        List<HttpRoute> routes,
        GpuPoolDefinition gpuPool,
        List<String> warnings,
        Map<String, HttpApiSettings> apiSettings) {

    public Optional<FunctionDefinition> function(String name) {
        return functions.stream()
                .filter(f -> f.functionName().equals(name) || f.logicalId().equals(name))
                .findFirst();
    }

    /** The CORS and throttling of an API, none for an API the template does not configure. */
    public HttpApiSettings apiSettings(String apiId) {
        return apiSettings.getOrDefault(apiId, HttpApiSettings.none(apiId));
    }

    /** Whether any route goes to the GPU pool. */
    public boolean hasGpuPoolRoutes() {
        return routes.stream().anyMatch(r -> r.target() instanceof RouteTarget.HttpProxy);
    }
}
