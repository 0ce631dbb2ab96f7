package dev.skiff.gpu.repository;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.skiff.gpu.batching.BatchPolicy;
import dev.skiff.gpu.batching.DynamicBatcher;
import dev.skiff.gpu.observability.PoolMetrics;
import dev.skiff.gpu.provider.ExecutionProvider;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.ModelVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads a version directory as its configured number of sessions, warms each, and starts its batcher. */
public final class VersionLoader {
    private static final Logger LOG = LoggerFactory.getLogger(VersionLoader.class);
    private final ExecutionProvider provider;
    private final boolean batching;
    private final PoolMetrics metrics;

    public VersionLoader(ExecutionProvider provider, boolean batching, PoolMetrics metrics) {
        this.provider = provider;
        this.batching = batching;
        this.metrics = metrics;
    }

    public boolean batching() {
        return batching;
    }

    /** @throws ModelLoadException with what is wrong; nothing is left open then */
    public ServedVersion load(String model, String version, Path versionDir, ModelConfig config) {
        List<ModelVersion> instances = new ArrayList<>(config.instances());
        try {
            for (int i = 0; i < config.instances(); i++) {
                ModelVersion instance = loadInstance(model, version, versionDir, config);
                instances.add(instance);
                warm(instance);
            }
        } catch (RuntimeException e) {
            instances.forEach(ModelVersion::close);
            throw e;
        }
        BatchPolicy policy = BatchPolicy.of(instances.get(0), batching);
        List<DynamicBatcher.Instance> runners = new ArrayList<>();
        for (ModelVersion instance : instances) runners.add(instance::infer);
        return new ServedVersion(instances, new DynamicBatcher(model, version, runners, policy, metrics));
    }

    private ModelVersion loadInstance(String model, String version, Path versionDir, ModelConfig config) {
        try (OrtSession.SessionOptions options = provider.sessionOptions(intraOpThreads(config))) {
            return ModelVersion.load(model, version, versionDir, config, options);
        } catch (OrtException e) {
            throw new ModelLoadException(
                    "session options for " + versionDir + " on " + provider.label() + ": " + e.getMessage(), e);
        }
    }

    /** The config's intraOpThreads, else the machine's processors shared among the version's instances. */
    static int intraOpThreads(ModelConfig config) {
        if (config.intraOpThreads() > 0) return config.intraOpThreads();
        return Math.max(1, Runtime.getRuntime().availableProcessors() / config.instances());
    }

    /**
     * The version's warm-up request end to end, so the first client does not pay for lazy set-up;
     * the core's policy decides what a failure means ({@link ModelVersion#warmUpFailed}).
     *
     * @throws ModelLoadException when its configured warm-up request fails
     */
    private static void warm(ModelVersion instance) {
        try {
            instance.infer(instance.parser().parse(instance.warmUpBody()));
        } catch (RuntimeException e) {
            LOG.atWarn()
                    .addKeyValue("model", instance.modelName())
                    .addKeyValue("version", instance.version())
                    .log(instance.warmUpFailed(e.getMessage()));
        }
    }
}
