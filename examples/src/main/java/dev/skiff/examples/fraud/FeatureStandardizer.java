package dev.skiff.examples.fraud;

import java.util.List;

/**
 * Per-column mean and standard deviation of the training data. SGD needs features on one scale
 * (dollars and days differ by orders of magnitude); the exported graph applies the same
 * standardization, so clients send raw units.
 */
public record FeatureStandardizer(double[] means, double[] standardDeviations) {

    public static FeatureStandardizer fit(List<Transaction> transactions) {
        int columns = Transaction.FEATURE_COUNT;
        double[] means = new double[columns];
        double[] deviations = new double[columns];
        for (Transaction transaction : transactions) {
            for (int c = 0; c < columns; c++) {
                means[c] += transaction.features()[c];
            }
        }
        for (int c = 0; c < columns; c++) {
            means[c] /= transactions.size();
        }
        for (Transaction transaction : transactions) {
            for (int c = 0; c < columns; c++) {
                double difference = transaction.features()[c] - means[c];
                deviations[c] += difference * difference;
            }
        }
        for (int c = 0; c < columns; c++) {
            deviations[c] = Math.sqrt(deviations[c] / transactions.size());
            if (deviations[c] == 0) {
                throw new IllegalArgumentException(
                        "feature " + Transaction.FEATURE_NAMES.get(c) + " is constant in the training data");
            }
        }
        return new FeatureStandardizer(means, deviations);
    }

    public double[] apply(double[] features) {
        double[] standardized = new double[features.length];
        for (int c = 0; c < features.length; c++) {
            standardized[c] = (features[c] - means[c]) / standardDeviations[c];
        }
        return standardized;
    }
}
