package dev.skiff.monitoring.drift;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.skiff.monitoring.baseline.FeatureType;
import dev.skiff.monitoring.data.Dataset;

import java.util.List;

/**
 * One feature's comparison of a window with its baseline.
 *
 * @param test "ks" (two-sample Kolmogorov–Smirnov, numerical, text lengths, embedding distances)
 *     or "chi-square" (categorical); null when the feature was not tested
 * @param psi the population stability index on the baseline's bins (categories)
 * @param psiBand "stable" (&lt; 0.1), "moderate" (0.1–0.25) or "major" (&gt; 0.25)
 * @param bins the bins (categories) the shares are over, for the report's pictures
 * @param note why a feature was not tested, or what else is worth saying (new categories)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureDrift(
        String name,
        Dataset.Role role,
        FeatureType type,
        boolean tested,
        boolean drifted,
        String test,
        Double statistic,
        Double pValue,
        Double psi,
        String psiBand,
        long baselineCount,
        long windowCount,
        double baselineMissingShare,
        double windowMissingShare,
        List<String> bins,
        double[] baselineShares,
        double[] windowShares,
        String note) {

    static FeatureDrift untested(String name, Dataset.Role role, FeatureType type, long baselineCount, String note) {
        return new FeatureDrift(
                name,
                role,
                type,
                false,
                false,
                null,
                null,
                null,
                null,
                null,
                baselineCount,
                0,
                0,
                0,
                null,
                null,
                null,
                note);
    }
}
