package dev.skiff.examples.fraud;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic card transactions with a plausible generative story.
 *
 * <p>About 2% of transactions are fraudulent. A legitimate transaction is a modest daytime
 * purchase near home, often with the card present, on an account that has existed for years.
 * A fraudulent one is either card testing (tiny amounts) or a large purchase, more often at
 * night, far from home, card not present, abroad, at riskier merchants, in bursts, on new
 * accounts. Fraudsters also blend in: each fraud feature is drawn from the legitimate profile
 * with some probability, so the classes overlap and no single feature gives fraud away.
 *
 * <p>Reproducible from the seed: {@link Random} is specified bit for bit and every
 * transcendental function here is {@link StrictMath}, so a seed gives the same data on any JVM.
 */
public final class TransactionGenerator {

    static final double FRAUD_RATE = 0.02;
    /** How often a fraudulent transaction takes a feature from the legitimate profile. */
    static final double FRAUD_BLENDS_IN = 0.3;

    private final Random random;

    public TransactionGenerator(long seed) {
        this.random = new Random(seed);
    }

    public List<Transaction> generate(int count) {
        List<Transaction> transactions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            transactions.add(next());
        }
        return transactions;
    }

    public Transaction next() {
        boolean fraud = random.nextDouble() < FRAUD_RATE;
        double[] features = new double[Transaction.FEATURE_COUNT];
        for (int column = 0; column < features.length; column++) {
            boolean looksLegit = !fraud || random.nextDouble() < FRAUD_BLENDS_IN;
            features[column] = looksLegit ? legitFeature(column) : fraudFeature(column);
        }
        return new Transaction(features, fraud);
    }

    private double legitFeature(int column) {
        return switch (column) {
            case 0 -> cents(logNormal(35, 1.0)); // amount_usd: median $35
            case 1 -> Math.floorMod(Math.round(14 + 4 * gaussian()), 24); // hour: around 2 pm
            case 2 ->
                random.nextDouble() < 0.05 // distance_km: near home,
                        ? round1(logNormal(800, 0.8)) // 5% travelling
                        : round1(logNormal(8, 1.2));
            case 3 -> round2(clamp01(0.2 + 0.12 * gaussian())); // merchant_risk
            case 4 -> poisson(2.5); // transactions_last_24h
            case 5 -> bernoulli(0.7); // card_present
            case 6 -> bernoulli(0.05); // foreign
            case 7 -> Math.min(7300, Math.round(exponential(1500))); // account_age_days
            default -> throw new IllegalArgumentException("no feature " + column);
        };
    }

    private double fraudFeature(int column) {
        return switch (column) {
            case 0 ->
                random.nextDouble() < 0.25 // card testing
                        ? cents(1 + 4 * random.nextDouble())
                        : cents(logNormal(250, 1.0)); // or a big purchase
            case 1 -> random.nextDouble() < 0.5 ? random.nextInt(6) : random.nextInt(24); // night
            case 2 -> round1(logNormal(150, 1.6));
            case 3 -> round2(clamp01(0.45 + 0.2 * gaussian()));
            case 4 -> poisson(6); // bursts
            case 5 -> bernoulli(0.15);
            case 6 -> bernoulli(0.35);
            case 7 ->
                random.nextDouble() < 0.4 // freshly opened account
                        ? Math.round(exponential(20))
                        : Math.min(7300, Math.round(exponential(1500)));
            default -> throw new IllegalArgumentException("no feature " + column);
        };
    }

    private double gaussian() {
        return random.nextGaussian();
    }

    private double logNormal(double median, double sigma) {
        return median * StrictMath.exp(sigma * gaussian());
    }

    private double exponential(double mean) {
        return -mean * StrictMath.log(1 - random.nextDouble());
    }

    private double bernoulli(double p) {
        return random.nextDouble() < p ? 1 : 0;
    }

    /** Knuth's method: fine for the small rates used here. */
    private double poisson(double rate) {
        double limit = StrictMath.exp(-rate);
        double product = random.nextDouble();
        int count = 0;
        while (product > limit) {
            product *= random.nextDouble();
            count++;
        }
        return count;
    }

    private static double clamp01(double value) {
        return Math.max(0, Math.min(1, value));
    }

    private static double cents(double amount) {
        return Math.round(amount * 100) / 100.0;
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
