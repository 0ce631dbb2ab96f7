package dev.skiff.examples.fraud;

import java.util.Locale;

/** How the trained model did on held-out transactions; precision and recall at the argmax label. */
public record TrainingReport(
        long seed,
        int trainingRows,
        int trainingFrauds,
        int testRows,
        int testFrauds,
        double accuracy,
        double fraudAucRoc,
        double fraudPrecision,
        double fraudRecall) {

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                """
                fraud model, seed %d
                  training: %d transactions, %d fraudulent (%.2f%%)
                  held out: %d transactions, %d fraudulent (%.2f%%)
                  accuracy %.4f, fraud AUC-ROC %.4f, fraud precision %.3f, fraud recall %.3f""",
                seed,
                trainingRows,
                trainingFrauds,
                100.0 * trainingFrauds / trainingRows,
                testRows,
                testFrauds,
                100.0 * testFrauds / testRows,
                accuracy,
                fraudAucRoc,
                fraudPrecision,
                fraudRecall);
    }
}
