package dev.skiff.deployer.plan;

/**
 * The limits that decide whether a model can run on Lambda, and the memory sizes the plan tries.
 * Tests pass smaller limits to trip the size rules with small models.
 */
public record LambdaLimits(
        long zipUnzippedBytes,
        long zipUploadBytes,
        long imageBytes,
        int maxMemoryMb,
        double apiGatewayTimeoutMs,
        int[] candidateMemoryMb) {
    public static final long MB = 1024L * 1024L;

    public static LambdaLimits aws() {
        return new LambdaLimits(
                250 * MB,
                50 * MB,
                10L * 1024 * MB,
                10_240,
                30_000,
                // 1769 MB buys one full vCPU; every further 1769 MB one more, up to six at 10,240 MB
                new int[] {
                    128, 256, 512, 768, 1024, 1536, 1769, 2048, 3008, 3538, 4096, 5307, 6144, 7076, 8192, 8845, 10_240
                });
    }

    public LambdaLimits withPackageLimits(long zipUnzipped, long image) {
        return new LambdaLimits(
                zipUnzipped, zipUploadBytes, image, maxMemoryMb, apiGatewayTimeoutMs, candidateMemoryMb);
    }
}
