package dev.skiff.deployer.plan;

/** Where a model runs. */
public enum Target {
    LAMBDA("lambda"), GPU_POOL("gpu-pool");

    public final String label;

    Target(String label) {
        this.label = label;
    }
}
