package dev.skiff.gpu.repository;

import dev.skiff.gpu.routing.AliasTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Versions whose source is gone (a directory removed from the repository, a version deleted from
 * the model store): each is unloaded, unless an alias still routes to it; then it keeps serving,
 * so a release is never taken down under its traffic, and the task warns once.
 */
public final class GoneVersions {
    private static final Logger LOG = LoggerFactory.getLogger(GoneVersions.class);

    private final ModelRegistry registry;
    private final AliasTable aliases;
    private final Set<String> stillRouted = ConcurrentHashMap.newKeySet(); // "model/version", warned about once

    public GoneVersions(ModelRegistry registry, AliasTable aliases) {
        this.registry = registry;
        this.aliases = aliases;
    }

    /**
     * @param gone what happened to the version, for the warning: "a version's directory is gone"
     * @return whether it is unloaded now; false while an alias routes to it
     */
    public boolean retire(String model, long version, String gone) {
        Set<String> using = aliases.routingTo(model, version).keySet();
        if (!using.isEmpty()) {
            if (stillRouted.add(model + "/" + version)) {
                LOG.atWarn()
                        .addKeyValue("model", model)
                        .addKeyValue("version", Long.toString(version))
                        .addKeyValue("aliases", using.toString())
                        .log(gone + " but aliases still route to it; it keeps serving");
            }
            return false;
        }
        registry.unloadVersion(model, version);
        stillRouted.remove(model + "/" + version);
        return true;
    }
}
