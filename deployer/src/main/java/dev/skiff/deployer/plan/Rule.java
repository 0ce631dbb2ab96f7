package dev.skiff.deployer.plan;

/** The plan's rules, in the order they are tried; each one that fires is reported with its numbers. */
public enum Rule {
    GPU_REQUIRED("gpu-required", "the config says gpu: required"),
    CONFIG_TARGET("config-target", "the config names a target"),
    IMAGE_SIZE("image-size", "the package is over Lambda's 10 GB image limit"),
    ZIP_SIZE("zip-size", "the package is over Lambda's 250 MB unzipped .zip limit, so it ships as an image"),
    MEMORY_LIMIT("memory-limit", "the model needs more than Lambda's 10,240 MB"),
    LATENCY_OBJECTIVE("latency-objective", "the scaled p99 misses the config's latencyObjectiveMs"),
    API_GATEWAY_TIMEOUT("api-gateway-timeout", "a max-batch request would outlast API Gateway's 30 s"),
    CONFIG_MEMORY("config-memory", "the config fixes memoryMb"),
    OVERRIDDEN("overridden", "a rule's verdict is overridden by the config"),
    CHEAPEST_MEMORY("cheapest-memory", "the memory size that meets the objective at the lowest cost");

    public final String id;
    public final String meaning;

    Rule(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }
}
