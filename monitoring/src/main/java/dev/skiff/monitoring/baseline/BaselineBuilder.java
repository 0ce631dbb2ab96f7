package dev.skiff.monitoring.baseline;

import dev.skiff.monitoring.data.ColumnNames;
import dev.skiff.monitoring.data.Dataset;
import org.apache.commons.statistics.descriptive.Max;
import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Min;
import org.apache.commons.statistics.descriptive.StandardDeviation;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.datasketches.quantilescommon.QuantilesDoublesSketchIterator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Computes a dataset's baseline statistics, feature by feature. */
public final class BaselineBuilder {
    /**
     * The KLL sketch's k. The KS test reads the baseline's distribution from the sketch, so its rank
     * error (0.28% at k = 1000, at 99% confidence) must stay well under the KS statistic that
     * makes a 10,000-row window significant (about 2%); the default k = 200 (1.7%) does not.
     */
    public static final int KLL_K = 1000;

    /** The quantiles statistics.json lists (the sketch answers any other). */
    static final double[] QUANTILES = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};

    /** The interior edges of the PSI histogram: the baseline's deciles, ten bins where values allow. */
    static final double[] BIN_EDGE_RANKS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

    private BaselineBuilder() {}

    /** @param names the column names the dataset's captured tensors were read with, kept for the drift checks */
    public static Statistics build(String model, String modelVersion, ColumnNames names, Dataset dataset) {
        if (dataset.rows() == 0) throw new IllegalArgumentException("no rows to build a baseline from");
        List<FeatureStatistics> features = new ArrayList<>();
        for (Dataset.Column column : dataset.columns()) features.add(of(column, dataset.rows()));
        for (Dataset.EmbeddingColumn column : dataset.embeddings()) features.add(embedding(column, dataset.rows()));
        return new Statistics(
                Statistics.FORMAT_VERSION,
                model,
                modelVersion,
                Instant.now().toString(),
                dataset.rows(),
                names,
                features);
    }

    static FeatureStatistics of(Dataset.Column column, int rows) {
        FeatureType type = FeatureValues.inferType(column);
        long missing = FeatureValues.missing(column);
        if (type == FeatureType.CATEGORICAL) {
            Map<String, Long> frequencies = new LinkedHashMap<>();
            FeatureValues.categories(column).stream()
                    .collect(java.util.stream.Collectors.groupingBy(k -> k, java.util.stream.Collectors.counting()))
                    .entrySet()
                    .stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue()
                            .reversed()
                            .thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> frequencies.put(e.getKey(), e.getValue()));
            return FeatureStatistics.categorical(
                    column.name(), column.role(), type, rows - missing, missing, share(missing, rows), frequencies);
        }
        return numerical(column.name(), column.role(), type, FeatureValues.numbers(column, type), rows);
    }

    /** Statistics of numbers: moments, extremes, the sketch and its quantiles, the PSI histogram. */
    public static FeatureStatistics numerical(
            String name, Dataset.Role role, FeatureType type, double[] values, int rows) {
        long missing = rows - values.length;
        if (values.length == 0) return FeatureStatistics.noValues(name, role, type, missing, share(missing, rows));
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(KLL_K);
        for (double value : values) sketch.update(value);
        Map<String, Double> quantiles = new LinkedHashMap<>();
        double[] q = sketch.getQuantiles(QUANTILES, QuantileSearchCriteria.INCLUSIVE);
        for (int i = 0; i < QUANTILES.length; i++) quantiles.put(Double.toString(QUANTILES[i]), q[i]);
        FeatureStatistics.Histogram bins = histogram(sketch, values);
        return new FeatureStatistics(
                name,
                role,
                type,
                values.length,
                missing,
                share(missing, rows),
                Mean.of(values).getAsDouble(),
                StandardDeviation.of(values).getAsDouble(),
                Min.of(values).getAsDouble(),
                Max.of(values).getAsDouble(),
                quantiles,
                sketch(sketch),
                bins,
                null,
                null,
                null);
    }

    private static FeatureStatistics.Histogram histogram(KllDoublesSketch sketch, double[] values) {
        TreeSet<Double> edges = new TreeSet<>();
        for (double edge : sketch.getQuantiles(BIN_EDGE_RANKS, QuantileSearchCriteria.INCLUSIVE)) edges.add(edge);
        double[] interior = edges.stream().mapToDouble(Double::doubleValue).toArray();
        FeatureStatistics.Histogram empty = new FeatureStatistics.Histogram(interior, new long[interior.length + 1]);
        return new FeatureStatistics.Histogram(interior, empty.count(values));
    }

    static FeatureStatistics embedding(Dataset.EmbeddingColumn column, int rows) {
        List<float[]> vectors = new ArrayList<>();
        for (float[] vector : column.vectors()) if (vector != null) vectors.add(vector);
        long missing = rows - vectors.size();
        if (vectors.isEmpty()) {
            return FeatureStatistics.noValues(
                    column.name(), column.role(), FeatureType.EMBEDDING, missing, share(missing, rows));
        }
        float[] mean = Embeddings.mean(vectors);
        double[] distances = Embeddings.distances(vectors, mean);
        FeatureStatistics distance = numerical(
                column.name() + " (cosine distance to the baseline mean)",
                column.role(),
                FeatureType.NUMERICAL,
                distances,
                distances.length);
        return FeatureStatistics.embedding(
                column.name(), column.role(), vectors.size(), missing, share(missing, rows), mean, distance);
    }

    /**
     * The sketch as items and weights, not its binary form: datasketches-memory, which the binary
     * form goes through, refuses to start on a JDK newer than 21.
     */
    static FeatureStatistics.Sketch sketch(KllDoublesSketch sketch) {
        int retained = sketch.getNumRetained();
        double[] items = new double[retained];
        long[] weights = new long[retained];
        QuantilesDoublesSketchIterator it = sketch.iterator();
        for (int i = 0; it.next(); i++) {
            items[i] = it.getQuantile();
            weights[i] = it.getWeight();
        }
        return new FeatureStatistics.Sketch(
                sketch.getK(), sketch.getN(), KllSketch.getNormalizedRankError(sketch.getK(), false), items, weights);
    }

    /** The sketch of a baseline feature, back from statistics.json. */
    public static KllDoublesSketch sketch(FeatureStatistics.Sketch kll) {
        KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance(kll.k());
        for (int i = 0; i < kll.items().length; i++) sketch.update(kll.items()[i], kll.weights()[i]);
        return sketch;
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}
