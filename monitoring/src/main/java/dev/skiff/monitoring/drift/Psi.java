package dev.skiff.monitoring.drift;

/**
 * The population stability index: the sum over bins of (window share − baseline share) ×
 * ln(window share / baseline share). An empty bin's share is taken as {@value #EMPTY_SHARE}
 * (as Evidently does), so a bin that empties or appears counts heavily but finitely.
 */
public final class Psi {
    static final double EMPTY_SHARE = 1e-4;

    private Psi() {}

    public static double of(long[] baseline, long[] window) {
        double[] b = shares(baseline);
        double[] w = shares(window);
        double psi = 0;
        for (int i = 0; i < b.length; i++) {
            double bi = Math.max(b[i], EMPTY_SHARE);
            double wi = Math.max(w[i], EMPTY_SHARE);
            psi += (wi - bi) * Math.log(wi / bi);
        }
        return psi;
    }

    public static double[] shares(long[] counts) {
        long total = 0;
        for (long count : counts) total += count;
        double[] shares = new double[counts.length];
        for (int i = 0; i < counts.length; i++) shares[i] = total == 0 ? 0 : (double) counts[i] / total;
        return shares;
    }

    public static String band(double psi, double moderate, double major) {
        if (psi < moderate) return "stable";
        return psi <= major ? "moderate" : "major";
    }
}
