package dev.skiff.examples.fraud;

import java.util.List;

/**
 * One card transaction as the fraud model sees it: its features, in model column order, and
 * whether it was fraudulent.
 */
public record Transaction(double[] features, boolean fraud) {

    /**
     * The model's input columns, in order. Tribuo sorts features by name, so the two-digit prefix
     * is what makes the exported ONNX column order this order.
     */
    public static final List<String> FEATURE_NAMES = List.of(
            "00_amount_usd",
            "01_hour_of_day",
            "02_distance_from_home_km",
            "03_merchant_risk",
            "04_transactions_last_24h",
            "05_card_present",
            "06_foreign",
            "07_account_age_days");

    public static final int FEATURE_COUNT = FEATURE_NAMES.size();

    public Transaction {
        if (features.length != FEATURE_COUNT) {
            throw new IllegalArgumentException("expected " + FEATURE_COUNT + " features, got " + features.length);
        }
    }
}
