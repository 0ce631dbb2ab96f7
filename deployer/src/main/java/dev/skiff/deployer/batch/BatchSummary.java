package dev.skiff.deployer.batch;

import java.util.Locale;

/**
 * How a batch run went: items in all, scored, failed, and whether the failures stayed within what
 * the run tolerates (as Distributed Map's ToleratedFailurePercentage: failed / total * 100).
 */
public record BatchSummary(long total, long failed, double toleratedFailurePercentage, long elapsedMillis) {

    public long succeeded() {
        return total - failed;
    }

    public double failedPercentage() {
        return total == 0 ? 0 : failed * 100.0 / total;
    }

    public boolean withinTolerance() {
        return failedPercentage() <= toleratedFailurePercentage;
    }

    public String describe() {
        return String.format(
                Locale.ROOT,
                "%,d items: %,d scored, %,d failed (%.4f%%; tolerated %.4g%%) in %.1f s, %,.0f items/s",
                total,
                succeeded(),
                failed,
                failedPercentage(),
                toleratedFailurePercentage,
                elapsedMillis / 1000.0,
                elapsedMillis == 0 ? 0 : total * 1000.0 / elapsedMillis);
    }
}
