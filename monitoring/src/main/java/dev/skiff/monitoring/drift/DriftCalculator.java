package dev.skiff.monitoring.drift;

import dev.skiff.monitoring.baseline.BaselineBuilder;
import dev.skiff.monitoring.baseline.Constraints;
import dev.skiff.monitoring.baseline.Embeddings;
import dev.skiff.monitoring.baseline.FeatureStatistics;
import dev.skiff.monitoring.baseline.FeatureType;
import dev.skiff.monitoring.baseline.FeatureValues;
import dev.skiff.monitoring.baseline.Statistics;
import dev.skiff.monitoring.data.Dataset;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.apache.commons.statistics.inference.SignificanceResult;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares a window of rows with a baseline, feature by feature. Numerical features (text
 * lengths, an embedding's cosine distances to the baseline's mean vector): PSI on the baseline's
 * bins and the two-sample KS test against the baseline's distribution as its KLL sketch holds
 * it. Categorical features: PSI over the categories and the chi-square test of homogeneity on
 * the two count rows. A feature drifts when the test's p-value is below the rule's and its PSI
 * is at least moderate: at thousands of rows the tests alone flag differences too small to
 * matter, and PSI alone is noisy on small windows.
 */
public final class DriftCalculator {
    /** The most baseline points the KS test reads from a sketch: plenty for its rank error. */
    static final int MAX_BASELINE_POINTS = 50_000;

    private final Statistics baseline;
    private final Constraints.Drift rule;

    public DriftCalculator(Statistics baseline, Constraints.Drift rule) {
        this.baseline = baseline;
        this.rule = rule;
    }

    public DriftReport compare(Dataset window) {
        List<FeatureDrift> features = new ArrayList<>();
        for (FeatureStatistics feature : baseline.features()) features.add(compare(feature, window));
        features.sort(Comparator.comparing((FeatureDrift f) -> !f.drifted())
                .thenComparing(f -> f.role() == Dataset.Role.OUTPUT)
                .thenComparing(f -> f.psi() == null ? 0 : -f.psi()));
        List<String> unknown = new ArrayList<>();
        for (Dataset.Column column : window.columns())
            if (baseline.feature(column.name()) == null) unknown.add(column.name());
        for (Dataset.EmbeddingColumn column : window.embeddings())
            if (baseline.feature(column.name()) == null) unknown.add(column.name());
        return new DriftReport(
                baseline.model(),
                baseline.modelVersion(),
                Instant.now().toString(),
                baseline.rows(),
                window.rows(),
                rule,
                verdict(features),
                features,
                unknown.isEmpty() ? null : unknown);
    }

    private FeatureDrift compare(FeatureStatistics feature, Dataset window) {
        if (feature.count() == 0) {
            return FeatureDrift.untested(
                    feature.name(), feature.role(), feature.type(), 0, "no values in the baseline");
        }
        if (feature.type() == FeatureType.EMBEDDING) {
            Dataset.EmbeddingColumn column = window.embedding(feature.name());
            if (column == null) return notInWindow(feature);
            List<float[]> vectors = new ArrayList<>();
            for (float[] vector : column.vectors()) if (vector != null) vectors.add(vector);
            double[] distances = Embeddings.distances(vectors, feature.meanVector());
            return numerical(feature, feature.distance(), distances, missingShare(window.rows(), vectors.size()));
        }
        Dataset.Column column = window.column(feature.name());
        if (column == null) return notInWindow(feature);
        double windowMissing = missingShare(window.rows(), window.rows() - FeatureValues.missing(column));
        if (feature.type() == FeatureType.CATEGORICAL)
            return categorical(feature, FeatureValues.categories(column), windowMissing);
        return numerical(feature, feature, FeatureValues.numbers(column, feature.type()), windowMissing);
    }

    private static FeatureDrift notInWindow(FeatureStatistics feature) {
        return FeatureDrift.untested(
                feature.name(), feature.role(), feature.type(), feature.count(), "not in the window");
    }

    /** @param stats the numbers' statistics: the feature's own, or an embedding's distance statistics */
    private FeatureDrift numerical(
            FeatureStatistics feature, FeatureStatistics stats, double[] values, double windowMissing) {
        if (values.length == 0)
            return FeatureDrift.untested(
                    feature.name(), feature.role(), feature.type(), feature.count(), "no values in the window");
        FeatureStatistics.Histogram bins = stats.bins();
        long[] windowCounts = bins.count(values);
        double psi = Psi.of(bins.counts(), windowCounts);
        KolmogorovSmirnovTest.TwoResult ks =
                KolmogorovSmirnovTest.withDefaults().test(baselinePoints(stats), values);
        return drift(
                feature,
                "ks",
                ks.getStatistic(),
                ks.getPValue(),
                psi,
                values.length,
                windowMissing,
                bins.labels(),
                Psi.shares(bins.counts()),
                Psi.shares(windowCounts),
                null);
    }

    /**
     * The baseline's distribution as points: the sketch's quantiles at ranks (i + ½)/n, so their
     * empirical distribution is the sketch's, within its rank error.
     */
    static double[] baselinePoints(FeatureStatistics stats) {
        KllDoublesSketch sketch = BaselineBuilder.sketch(stats.kll());
        int n = (int) Math.min(sketch.getN(), MAX_BASELINE_POINTS);
        double[] ranks = new double[n];
        for (int i = 0; i < n; i++) ranks[i] = (i + 0.5) / n;
        return sketch.getQuantiles(ranks, QuantileSearchCriteria.INCLUSIVE);
    }

    private FeatureDrift categorical(FeatureStatistics feature, List<String> values, double windowMissing) {
        if (values.isEmpty())
            return FeatureDrift.untested(
                    feature.name(), feature.role(), feature.type(), feature.count(), "no values in the window");
        Map<String, long[]> table = new LinkedHashMap<>(); // category -> {baseline, window}
        feature.frequencies().forEach((category, count) -> table.put(category, new long[] {count, 0}));
        List<String> unseen = new ArrayList<>();
        for (String value : values) {
            table.computeIfAbsent(value, v -> {
                unseen.add(v);
                return new long[2];
            })[1]++;
        }
        long[][] counts = new long[2][table.size()];
        int i = 0;
        for (long[] pair : table.values()) {
            counts[0][i] = pair[0];
            counts[1][i++] = pair[1];
        }
        double psi = Psi.of(counts[0], counts[1]);
        double statistic = 0;
        double p = 1;
        if (table.size() > 1) {
            SignificanceResult chi = ChiSquareTest.withDefaults().test(counts);
            statistic = chi.getStatistic();
            p = chi.getPValue();
        }
        String note = unseen.isEmpty()
                ? null
                : "categories the baseline never had: "
                        + String.join(", ", unseen.subList(0, Math.min(5, unseen.size())));
        return drift(
                feature,
                "chi-square",
                statistic,
                p,
                psi,
                values.size(),
                windowMissing,
                List.copyOf(table.keySet()),
                Psi.shares(counts[0]),
                Psi.shares(counts[1]),
                note);
    }

    private FeatureDrift drift(
            FeatureStatistics feature,
            String test,
            double statistic,
            double p,
            double psi,
            long windowCount,
            double windowMissing,
            List<String> bins,
            double[] baselineShares,
            double[] windowShares,
            String note) {
        boolean drifted = p < rule.pValue() && psi >= rule.psiModerate();
        return new FeatureDrift(
                feature.name(),
                feature.role(),
                feature.type(),
                true,
                drifted,
                test,
                statistic,
                p,
                psi,
                Psi.band(psi, rule.psiModerate(), rule.psiMajor()),
                feature.count(),
                windowCount,
                feature.missingShare(),
                windowMissing,
                bins,
                baselineShares,
                windowShares,
                note);
    }

    private DriftReport.Verdict verdict(List<FeatureDrift> features) {
        int tested = 0;
        List<String> driftedInputs = new ArrayList<>();
        List<String> driftedOutputs = new ArrayList<>();
        for (FeatureDrift f : features) {
            if (!f.tested()) continue;
            if (f.role() == Dataset.Role.INPUT) tested++;
            if (f.drifted()) (f.role() == Dataset.Role.INPUT ? driftedInputs : driftedOutputs).add(f.name());
        }
        double share = tested == 0 ? 0 : (double) driftedInputs.size() / tested;
        boolean dataset = share > rule.datasetShare();
        boolean prediction = !driftedOutputs.isEmpty();
        String status =
                dataset ? "DATASET_DRIFT" : driftedInputs.isEmpty() && !prediction ? "NO_DRIFT" : "FEATURE_DRIFT";
        StringBuilder summary = new StringBuilder()
                .append(driftedInputs.size())
                .append(" of ")
                .append(tested)
                .append(" input features drifted")
                .append(driftedInputs.isEmpty() ? "" : " (" + String.join(", ", driftedInputs) + ")")
                .append(String.format(
                        Locale.ROOT,
                        ": %.0f%% %s %.0f%%, so ",
                        100 * share,
                        dataset ? ">" : "≤",
                        100 * rule.datasetShare()))
                .append(dataset ? "the dataset drifted" : "no dataset drift")
                .append("; prediction drift: ")
                .append(prediction ? "yes (" + String.join(", ", driftedOutputs) + ")" : "no");
        List<String> drifted = new ArrayList<>(driftedInputs);
        drifted.addAll(driftedOutputs);
        return new DriftReport.Verdict(
                status, tested, driftedInputs.size(), share, dataset, prediction, drifted, summary.toString());
    }

    private static double missingShare(long rows, long present) {
        return rows == 0 ? 0 : (double) (rows - present) / rows;
    }
}
