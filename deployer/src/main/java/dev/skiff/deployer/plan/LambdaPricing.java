package dev.skiff.deployer.plan;

/**
 * Lambda's on-demand list prices the cost estimate uses: per GB-second of duration (billed per
 * millisecond) and per request. Defaults: us-east-1, first duration tier, as published on the AWS
 * Lambda pricing page (https://aws.amazon.com/lambda/pricing/), last checked 2025-06-01; pass your
 * own with --price-gb-second / --price-per-million-requests.
 */
public record LambdaPricing(String architecture, double perGbSecond, double perMillionRequests, String source) {
    public static final String SOURCE = "AWS Lambda list prices, us-east-1, first tier, checked 2025-06-01";

    public static LambdaPricing arm64() {
        return new LambdaPricing("arm64", 0.0000133334, 0.20, SOURCE);
    }

    public static LambdaPricing x86_64() {
        return new LambdaPricing("x86_64", 0.0000166667, 0.20, SOURCE);
    }

    /** Dollars per million requests that each run {@code durationMs} at {@code memoryMb}. */
    public double costPerMillion(int memoryMb, double durationMs) {
        double billedSeconds = Math.max(1, Math.ceil(durationMs)) / 1000.0;
        return 1_000_000 * (memoryMb / 1024.0) * billedSeconds * perGbSecond + perMillionRequests;
    }
}
