package dev.skiff.runtime.contract;

/**
 * Where a model is served: the one vocabulary of the plan, the package manifest, the request log's
 * {@code Target} field and the {@code x-skiff-target} header.
 */
public enum Target {
    LAMBDA("lambda"),
    GPU_POOL("gpu-pool");

    private final String wireName;

    Target(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire, in manifests and in logs: "lambda" or "gpu-pool". */
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the accepted names */
    public static Target fromWireName(String name) {
        for (Target t : values()) {
            if (t.wireName.equals(name)) return t;
        }
        throw new IllegalArgumentException("unknown target \"" + name + "\"; expected lambda, gpu-pool");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
