package dev.skiff.gpu.routing;

import dev.skiff.gpu.repository.ModelRegistry;
import dev.skiff.gpu.repository.ServedVersion;
import dev.skiff.runtime.api.InferenceApi;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.runtime.model.Model;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ProtocolException;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the pool differs from a Lambda function behind the shared protocol code: versions and
 * aliases change at run time, and inference goes through each version's batcher.
 */
public final class PoolBackend implements InferenceApi.Backend {
    /** A request that meets a version being replaced follows it to its successor, this many times at most. */
    private static final int SUCCESSOR_HOPS = 3;

    private final ModelRegistry registry;
    private final AliasTable aliases;
    private final boolean strictReadiness;
    private final List<String> stackModels; // every model of the deployed stack; empty when the deploy named none
    private volatile boolean draining;

    public PoolBackend(ModelRegistry registry, AliasTable aliases) {
        this(registry, aliases, false, List.of());
    }

    /**
     * @param strictReadiness whether /v2/health/ready needs every model and version found to serve
     * @param stackModels every model of the deployed stack, which an unknown model's 404 lists; empty for
     *     only the server's own
     */
    public PoolBackend(ModelRegistry registry, AliasTable aliases, boolean strictReadiness, List<String> stackModels) {
        this.registry = registry;
        this.aliases = aliases;
        this.strictReadiness = strictReadiness;
        this.stackModels = List.copyOf(stackModels);
    }

    /** From now on the server is not ready, so the load balancer sends no more requests. */
    public void startDraining() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    @Override
    public Model model(String name) {
        Model model = registry.model(name);
        if (model == null && !registry.startupComplete()) {
            throw ProtocolException.unavailable("the server is still loading its models; retry shortly");
        }
        return model;
    }

    /** No version: the "live" alias when set, else the highest version. A number, or an alias by name. */
    @Override
    public ModelVersion resolve(Model model, String versionOrAlias) {
        if (versionOrAlias == null) {
            AliasRoute live = aliases.get(model.name(), AliasTable.DEFAULT_ALIAS);
            return live == null ? model.latest() : pick(model, live);
        }
        if (ModelRepository.isVersion(versionOrAlias)) return model.version(Long.parseLong(versionOrAlias));
        AliasRoute route = aliases.get(model.name(), versionOrAlias);
        return route == null ? null : pick(model, route);
    }

    private static ModelVersion pick(Model model, AliasRoute route) {
        return model.version(route.pick(() -> ThreadLocalRandom.current().nextDouble()));
    }

    @Override
    public InferResponse infer(ModelVersion version, InferRequest request) {
        ServedVersion served = registry.served(version);
        for (int hop = 0; hop <= SUCCESSOR_HOPS; hop++) {
            if (served == null) served = registry.current(version.modelName(), version.version());
            if (served == null) {
                throw ProtocolException.notFound("model '" + version.modelName() + "' version " + version.version()
                        + " was unloaded while this request waited; versions: " + versionsOf(version.modelName()));
            }
            CompletableFuture<InferResponse> answer = served.submit(request);
            if (answer != null) return await(answer);
            served = null; // replaced between routing and queueing: its successor answers
        }
        throw ProtocolException.unavailable("model '" + version.modelName() + "' version " + version.version()
                + " is being reloaded; retry shortly");
    }

    private List<String> versionsOf(String modelName) {
        Model model = registry.model(modelName);
        return model == null ? List.of() : model.versionNames();
    }

    private static InferResponse await(CompletableFuture<InferResponse> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw e;
        }
    }

    /**
     * Ready, as Triton and KServe separate server from model readiness: loading is done, the
     * server is not draining, and every version an alias routes to serves, so that a load
     * balancer's check does not cycle a task over a model nothing routes to. Strict: every model
     * and version found in the repository serves too.
     */
    @Override
    public boolean ready() {
        if (draining || !registry.startupComplete()) return false;
        if (strictReadiness)
            return registry.allModelsServing() && registry.failedVersions().isEmpty();
        for (String model : aliases.models()) {
            for (AliasRoute route : aliases.aliases(model).values()) {
                if (registry.current(model, Long.toString(route.version())) == null) return false;
                Long additional = route.additionalVersion();
                if (additional != null && registry.current(model, additional.toString()) == null) return false;
            }
        }
        return true;
    }

    @Override
    public String failure(String model) {
        return registry.failure(model);
    }

    @Override
    public List<String> modelNames() {
        return registry.modelNames();
    }

    @Override
    public List<String> reachableModelNames() {
        return stackModels.isEmpty() ? modelNames() : stackModels;
    }
}
