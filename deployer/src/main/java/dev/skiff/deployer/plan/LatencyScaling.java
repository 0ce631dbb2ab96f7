package dev.skiff.deployer.plan;

/**
 * Scales a latency measured here with one thread to a Lambda memory size. Lambda gives CPU in
 * proportion to memory: 1,769 MB is one vCPU, so below it a request gets that share of one vCPU
 * (time-sliced), and above it the function runs that many intra-op threads, which speed up only
 * the parallel part of the work (Amdahl's law with the fraction measured at profile time).
 */
public record LatencyScaling(double cpuFactor) {
    static final double MB_PER_VCPU = 1769.0;
    static final double MAX_VCPUS = 6;

    public double scale(double oneThreadMs, int memoryMb, double parallelFraction) {
        double vcpus = Math.min(MAX_VCPUS, memoryMb / MB_PER_VCPU);
        double ms = oneThreadMs * cpuFactor;
        if (vcpus <= 1) return ms / vcpus;
        return ms * ((1 - parallelFraction) + parallelFraction / vcpus);
    }

    public static double vcpus(int memoryMb) {
        return Math.min(MAX_VCPUS, memoryMb / MB_PER_VCPU);
    }
}
