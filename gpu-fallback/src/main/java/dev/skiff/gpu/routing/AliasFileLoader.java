package dev.skiff.gpu.routing;

import dev.skiff.gpu.repository.ModelRegistry;
import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.runtime.model.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Sets aliases from a JSON file at start, and again whenever it changes (when the repository is
 * watched). An alias that names a model or version not loaded is skipped with a log line; aliases
 * set through the management API and absent from the file stay.
 */
public final class AliasFileLoader {
    private static final Logger LOG = LoggerFactory.getLogger(AliasFileLoader.class);

    private final Path file;
    private final AliasTable aliases;
    private final ModelRegistry registry;
    private volatile long appliedModified = Long.MIN_VALUE;

    public AliasFileLoader(Path file, AliasTable aliases, ModelRegistry registry) {
        this.file = file;
        this.aliases = aliases;
        this.registry = registry;
    }

    public boolean changed() {
        return modified() != appliedModified;
    }

    public void apply() {
        appliedModified = modified();
        Map<String, Map<String, AliasRoute>> routes;
        try {
            routes = AliasDocument.parse(Files.readAllBytes(file), file.toString())
                    .models();
        } catch (IOException | IllegalArgumentException e) {
            LOG.atError()
                    .addKeyValue("file", file.toString())
                    .addKeyValue("reason", e.getMessage())
                    .log("the aliases file cannot be read; aliases are unchanged");
            return;
        }
        routes.forEach((modelName, byAlias) -> byAlias.forEach((alias, route) -> {
            String problem = problem(registry, modelName, alias, route);
            if (problem != null) {
                LOG.atError()
                        .addKeyValue("file", file.toString())
                        .addKeyValue("model", modelName)
                        .addKeyValue("alias", alias)
                        .addKeyValue("reason", problem)
                        .log("alias skipped");
                return;
            }
            aliases.put(modelName, alias, route);
            LOG.atInfo()
                    .addKeyValue("file", file.toString())
                    .addKeyValue("model", modelName)
                    .addKeyValue("alias", alias)
                    .addKeyValue("route", new String(AliasDocument.routeJson(alias, route), StandardCharsets.UTF_8))
                    .log("alias set");
        }));
    }

    /** Why this server cannot route the alias now (a model or version it does not serve), or null. */
    static String problem(ModelRegistry registry, String modelName, String alias, AliasRoute route) {
        if (!AliasTable.isValidName(alias)) return "'" + alias + "' is not an alias name";
        Model model = registry.model(modelName);
        if (model == null) return "model '" + modelName + "' is not served";
        if (model.version(route.version()) == null) return "version " + route.version() + " is not loaded";
        if (route.additionalVersion() != null && model.version(route.additionalVersion()) == null) {
            return "version " + route.additionalVersion() + " is not loaded";
        }
        return null;
    }

    private long modified() {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }
}
