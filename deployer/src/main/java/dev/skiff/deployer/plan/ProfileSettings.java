package dev.skiff.deployer.plan;

/**
 * How hard to profile: a few runs are enough to tell 5 ms from 500 ms, which is what choosing a
 * target needs. {@code cpuFactor} is how much slower a Lambda vCPU is than one core here.
 */
public record ProfileSettings(int warmupRuns, int runs, double cpuFactor) {
    public static ProfileSettings defaults() {
        return new ProfileSettings(10, 20, 1.0);
    }
}
