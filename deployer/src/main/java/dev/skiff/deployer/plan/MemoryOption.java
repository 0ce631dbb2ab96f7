package dev.skiff.deployer.plan;

/** One Lambda memory size with the profiled latency scaled to its vCPUs, and what it would cost. */
public record MemoryOption(
        int memoryMb,
        double vcpus,
        double p50BatchOneMs,
        double p99BatchOneMs,
        double p99MaxBatchMs,
        double costPerMillion,
        boolean meetsObjective,
        boolean withinApiGatewayTimeout) {

    public boolean acceptable() {
        return meetsObjective && withinApiGatewayTimeout;
    }
}
