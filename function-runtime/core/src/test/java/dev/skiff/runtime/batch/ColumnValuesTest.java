package dev.skiff.runtime.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

/** Column values as inputs: numbers parse as Double.parseDouble does, and each bad value says what was wrong. */
class ColumnValuesTest {
    @Test
    void decimalTextParsesToTheSameDoubleAsDoubleParseDouble() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            double value = switch (i % 4) {
                case 0 -> random.nextDouble() * 10_000;
                case 1 -> random.nextGaussian() * 1e-5;
                case 2 -> Double.longBitsToDouble(random.nextLong());
                default -> random.nextInt(1_000_000) / 100.0;
            };
            if (Double.isNaN(value) || Double.isInfinite(value)) continue;
            for (String text : new String[] {
                Double.toString(value), Float.toString((float) value), String.format(Locale.ROOT, "%.2f", value)
            }) {
                if (Double.isInfinite(Double.parseDouble(text))) continue; // a double beyond float's range
                assertEquals(Double.parseDouble(text), ColumnValues.real(text, "c", DataType.FP64), text);
            }
        }
        for (String text : new String[] {
            "0",
            "-0.0",
            "+3",
            ".5",
            "5.",
            "1e5",
            "1E-300",
            "4.9e-324",
            " 12.5 ",
            "1.5f",
            "2d",
            "0x1p3",
            "123456789012345678901234567890"
        }) {
            assertEquals(Double.parseDouble(text.strip()), ColumnValues.real(text, "c", DataType.FP32), text);
        }
    }

    @Test
    void plainDecimalBytesParseToTheSameDoubleAsDoubleParseDouble() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            String text = switch (i % 4) {
                case 0 -> Long.toString(random.nextLong() >> random.nextInt(64));
                case 1 -> String.format(Locale.ROOT, "%.2f", random.nextDouble() * 10_000);
                case 2 -> Double.toString(random.nextDouble()); // often more digits than the fast path takes
                default ->
                    (random.nextBoolean() ? "-" : "") + random.nextInt(1000) + "." + "0".repeat(random.nextInt(4))
                            + random.nextInt(1_000_000);
            };
            byte[] bytes = ("\"" + text + "\"").getBytes(StandardCharsets.US_ASCII);
            double plain = ColumnValues.plainDecimal(bytes, 1, bytes.length - 1);
            if (!Double.isNaN(plain)) assertEquals(Double.parseDouble(text), plain, text);
            else if (text.matches("-?\\d+(\\.\\d+)?")) { // plain, but too many digits to be exact
                String digits = text.replace("-", "").replace(".", "");
                assertTrue(digits.length() > 18 || Long.parseLong(digits) > 1L << 53, text);
            }
        }
        for (String text : new String[] {"0", "-0", "-0.0", "007", "9007199254740992", "0.00000000000000001"}) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            assertEquals(Double.parseDouble(text), ColumnValues.plainDecimal(bytes, 0, bytes.length), text);
        }
        // the rest is read by real(), with its errors: plainDecimal takes none of it
        for (String text : new String[] {
            "",
            "-",
            " 1",
            "1 ",
            "+1",
            ".5",
            "5.",
            "1.2.3",
            "1e5",
            "1,5",
            "twelve",
            "NaN",
            "0x1p3",
            "1.5f",
            "9007199254740993",
            "1234567890123456789"
        }) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            assertTrue(Double.isNaN(ColumnValues.plainDecimal(bytes, 0, bytes.length)), text);
        }
    }

    @Test
    void aBadValueNamesItsColumnAndWhatItHeld() {
        assertEquals(
                "column 'amount': 'twelve' is not a number (FP32)",
                error(() -> ColumnValues.real("twelve", "amount", DataType.FP32)));
        assertEquals(
                "column 'amount': 'NaN' is not a number (FP32)",
                error(() -> ColumnValues.real("NaN", "amount", DataType.FP32)));
        assertEquals(
                "column 'amount': '1e999' is not a number (FP64)",
                error(() -> ColumnValues.real("1e999", "amount", DataType.FP64)));
        assertEquals(
                "column 'amount': '1,5' is not a number (FP32)",
                error(() -> ColumnValues.real("1,5", "amount", DataType.FP32)));
        assertEquals("column 'amount' is empty", error(() -> ColumnValues.real(" ", "amount", DataType.FP32)));
        assertEquals(
                "column 'amount' is missing",
                error(() -> ColumnValues.real(BatchItems.MISSING, "amount", DataType.FP32)));
        assertEquals("column 'amount' is null", error(() -> ColumnValues.real(null, "amount", DataType.FP32)));
        assertEquals(
                "column 'amount' holds a boolean (true), not a number",
                error(() -> ColumnValues.real(true, "amount", DataType.FP32)));
        assertEquals(
                "column 'n': '1.5' is not an integer (INT64)",
                error(() -> ColumnValues.integer("1.5", "n", DataType.INT64)));
        assertEquals(
                "column 'n': 4294967296 does not fit INT32",
                error(() -> ColumnValues.integer("4294967296", "n", DataType.INT32)));
        assertEquals(
                "column 'f': 'yes' is not true, false, 1 or 0 (BOOL)",
                error(() -> ColumnValues.integer("yes", "f", DataType.BOOL)));
        assertEquals("column 't' holds a number (3), not text", error(() -> ColumnValues.text(3L, "t")));
        assertEquals(12.5, ColumnValues.real(12.5, "amount", DataType.FP32));
        assertEquals(1L, ColumnValues.integer("true", "f", DataType.BOOL));
    }

    private static String error(Runnable read) {
        return assertThrows(ProtocolException.class, read::run).getMessage();
    }
}
