package dev.skiff.monitoring.baseline;

import java.math.BigDecimal;
import java.math.MathContext;

/** Numbers as a person reads them in tables and pictures: four significant digits, no exponent for the usual sizes. */
public final class Numbers {
    private Numbers() {}

    public static String format(double value) {
        if (Double.isNaN(value)) return "–";
        if (value == Math.rint(value) && Math.abs(value) < 1e9) return Long.toString((long) value);
        double magnitude = Math.abs(value);
        if (magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e9))
            return String.format(java.util.Locale.ROOT, "%.3g", value);
        return new BigDecimal(value)
                .round(new MathContext(4))
                .stripTrailingZeros()
                .toPlainString();
    }

    /** A p-value: three significant digits, in exponent form when small; one below double's range as "< 1e-300". */
    public static String pValue(double p) {
        if (p < 1e-300) return "< 1e-300";
        return String.format(java.util.Locale.ROOT, p < 0.001 ? "%.2e" : "%.3g", p);
    }
}
