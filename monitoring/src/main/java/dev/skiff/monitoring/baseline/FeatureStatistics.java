package dev.skiff.monitoring.baseline;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.skiff.monitoring.data.Dataset;

import java.util.List;
import java.util.Map;

/**
 * One feature's baseline in statistics.json. Numerical features (and text lengths, and an
 * embedding's distances to its mean) carry count, moments, extremes, quantiles from a KLL
 * sketch (its items kept, so baselines merge and the KS test can be run against it) and the
 * histogram whose bins PSI is computed on; categorical features carry their frequencies.
 *
 * @param missing rows in which the feature had no value
 * @param bins numerical: the histogram PSI uses (interior edges at the baseline's deciles)
 * @param frequencies categorical: count per value
 * @param meanVector embedding: the mean of the vectors
 * @param distance embedding: statistics of each vector's cosine distance to {@code meanVector}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureStatistics(
        String name,
        Dataset.Role role,
        FeatureType type,
        long count,
        long missing,
        double missingShare,
        Double mean,
        Double std,
        Double min,
        Double max,
        Map<String, Double> quantiles,
        Sketch kll,
        Histogram bins,
        Map<String, Long> frequencies,
        float[] meanVector,
        FeatureStatistics distance) {

    /** A feature no row had a value for: its counts and nothing else. */
    static FeatureStatistics noValues(
            String name, Dataset.Role role, FeatureType type, long missing, double missingShare) {
        return new FeatureStatistics(
                name, role, type, 0, missing, missingShare, null, null, null, null, null, null, null, null, null, null);
    }

    /** A categorical feature: its counts and the count per value. */
    static FeatureStatistics categorical(
            String name,
            Dataset.Role role,
            FeatureType type,
            long count,
            long missing,
            double missingShare,
            Map<String, Long> frequencies) {
        return new FeatureStatistics(
                name,
                role,
                type,
                count,
                missing,
                missingShare,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                frequencies,
                null,
                null);
    }

    /** An embedding: its counts, the mean vector, and the statistics of the distances to it. */
    static FeatureStatistics embedding(
            String name,
            Dataset.Role role,
            long count,
            long missing,
            double missingShare,
            float[] meanVector,
            FeatureStatistics distance) {
        return new FeatureStatistics(
                name,
                role,
                FeatureType.EMBEDDING,
                count,
                missing,
                missingShare,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                meanVector,
                distance);
    }

    /**
     * A KLL doubles sketch as its retained items and their weights (what SageMaker's statistics.json
     * lists as a sketch's data): feeding them, weighted, into a new sketch of the same k gives the
     * same distribution, and sketches of several files merge that way.
     */
    public record Sketch(int k, long n, double normalizedRankError, double[] items, long[] weights) {}

    /**
     * Bins by interior edges: bin 0 is {@code (-inf, edges[0]]}, bin i {@code (edges[i-1], edges[i]]},
     * the last {@code (edges[last], +inf)}; so every value has a bin, also outside the baseline's range.
     */
    public record Histogram(double[] edges, long[] counts) {
        public int binOf(double value) {
            int at = java.util.Arrays.binarySearch(edges, value);
            return at >= 0 ? at : -at - 1;
        }

        public long[] count(double[] values) {
            long[] counts = new long[edges.length + 1];
            for (double value : values) counts[binOf(value)]++;
            return counts;
        }

        public List<String> labels() {
            java.util.ArrayList<String> labels = new java.util.ArrayList<>(edges.length + 1);
            for (int i = 0; i <= edges.length; i++) {
                if (edges.length == 0) labels.add("all");
                else if (i == 0) labels.add("≤ " + Numbers.format(edges[0]));
                else if (i == edges.length) labels.add("> " + Numbers.format(edges[i - 1]));
                else labels.add(Numbers.format(edges[i - 1]) + "–" + Numbers.format(edges[i]));
            }
            return labels;
        }
    }
}
