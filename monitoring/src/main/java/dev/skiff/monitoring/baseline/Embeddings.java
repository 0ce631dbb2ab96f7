package dev.skiff.monitoring.baseline;

import java.util.List;

/** The embedding statistic: a mean vector, and how far (cosine distance) each vector lies from it. */
public final class Embeddings {
    private Embeddings() {}

    public static float[] mean(List<float[]> vectors) {
        int dimension = vectors.get(0).length;
        double[] sum = new double[dimension];
        for (float[] vector : vectors) {
            if (vector.length != dimension) {
                throw new IllegalArgumentException(
                        "embeddings of " + dimension + " and " + vector.length + " dimensions in one feature");
            }
            for (int i = 0; i < dimension; i++) sum[i] += vector[i];
        }
        float[] mean = new float[dimension];
        for (int i = 0; i < dimension; i++) mean[i] = (float) (sum[i] / vectors.size());
        return mean;
    }

    /** 1 − cos(v, mean) per vector: 0 when a vector points where the baseline's mean does. */
    public static double[] distances(List<float[]> vectors, float[] mean) {
        double meanNorm = norm(mean);
        double[] distances = new double[vectors.size()];
        for (int v = 0; v < distances.length; v++) {
            float[] vector = vectors.get(v);
            if (vector.length != mean.length) {
                throw new IllegalArgumentException(
                        "an embedding of " + vector.length + " dimensions against a baseline of " + mean.length);
            }
            double dot = 0;
            for (int i = 0; i < mean.length; i++) dot += (double) vector[i] * mean[i];
            double norms = norm(vector) * meanNorm;
            distances[v] = norms == 0 ? 1 : 1 - dot / norms;
        }
        return distances;
    }

    private static double norm(float[] vector) {
        double sum = 0;
        for (float x : vector) sum += (double) x * x;
        return Math.sqrt(sum);
    }
}
