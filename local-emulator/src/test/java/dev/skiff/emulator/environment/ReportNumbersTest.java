package dev.skiff.emulator.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.Locale;

/** The REPORT line's durations: two decimals and a point, as Lambda writes them, in any default locale. */
class ReportNumbersTest {
    @Test
    void twoDecimalsRoundLikeFormatAndIgnoreTheLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY); // String.format would write 64,10 here
            assertEquals("64.10", ExecutionEnvironment.twoDecimals(64.1));
            assertEquals("0.00", ExecutionEnvironment.twoDecimals(0.004));
            assertEquals("0.01", ExecutionEnvironment.twoDecimals(0.006));
            assertEquals("0.07", ExecutionEnvironment.twoDecimals(0.07));
            assertEquals("10.00", ExecutionEnvironment.twoDecimals(9.999));
            assertEquals("1234.57", ExecutionEnvironment.twoDecimals(1234.5678));
            assertEquals("900000.25", ExecutionEnvironment.twoDecimals(900000.25));
        } finally {
            Locale.setDefault(before);
        }
    }
}
