package dev.skiff.runtime.pipeline.text;

/**
 * The character classes of Hugging Face's BertNormalizer and BertPreTokenizer, code point by code point.
 *
 * <p>HF tokenizers takes its general categories from the {@code unicode_categories} crate, whose tables are
 * Unicode 8.0; the JDK's are newer (15.0 in 21, 16.0 in 25). Characters added or recategorised since then are
 * classified differently, so each predicate starts from the JDK's category and then applies the ranges where
 * HF disagrees. Those ranges were found by running every code point through HF tokenizers (DJL);
 * {@code BertCharacterClassesTest} runs them all again. They hold on any JDK from 21 to 25 (a character a
 * JDK does not know yet is an ordinary one, as in HF); a JDK with Unicode tables past 16.0 may need more, and
 * that test names them.
 */
final class BertCharacterClasses {

    private BertCharacterClasses() {}

    /** Rust's {@code char::is_whitespace} (the Unicode White_Space property), which HF uses. */
    static boolean isWhitespace(int c) {
        if (c <= 0x20) {
            return c == ' ' || (c >= '\t' && c <= '\r');
        }
        if (c < 0x85) {
            return false;
        }
        return c == 0x85
                || c == 0xA0
                || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028
                || c == 0x2029
                || c == 0x202F
                || c == 0x205F
                || c == 0x3000;
    }

    /** What clean_text drops: NUL, U+FFFD and the categories Cc, Cf and Co, but not tab, CR and LF. */
    static boolean isDroppedByCleanText(int c) {
        if (c < 0x80) {
            return c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c == 0x7F;
        }
        if (c == 0xFFFD) {
            return true;
        }
        int type = Character.getType(c);
        // unpaired surrogates cannot reach HF (its strings are UTF-8); dropping them is what DJL's conversion yields
        boolean other = type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
        return other && !inRanges(NOT_CONTROL_IN_HF, c);
    }

    /** BERT's punctuation: every non-alphanumeric printable ASCII character and the Unicode P* categories. */
    static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
        }
        switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> {
                return !inRanges(NOT_PUNCTUATION_IN_HF, c);
            }
            default -> {
                return inRanges(PUNCTUATION_ONLY_IN_HF, c);
            }
        }
    }

    /** Category Mn, what strip_accents removes after NFD. */
    static boolean isNonspacingMark(int c) {
        if (c < 0x300) {
            return false;
        }
        if (Character.getType(c) == Character.NON_SPACING_MARK) {
            return !inRanges(NOT_NONSPACING_MARK_IN_HF, c);
        }
        return inRanges(NONSPACING_MARK_ONLY_IN_HF, c);
    }

    /** The CJK ideograph blocks that handle_chinese_chars isolates (HF's ranges, 0x2B920 included). */
    static boolean isChineseCharacter(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    /** Whether c lies in one of the inclusive [first, last] pairs of a sorted range table. */
    private static boolean inRanges(int[] ranges, int c) {
        int low = 0;
        int high = ranges.length / 2 - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (c < ranges[2 * middle]) {
                high = middle - 1;
            } else if (c > ranges[2 * middle + 1]) {
                low = middle + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    // Cf characters added after Unicode 8.0: HF keeps them as ordinary characters.
    private static final int[] NOT_CONTROL_IN_HF = {
        0x0890, 0x0891, 0x08E2, 0x08E2, 0x110CD, 0x110CD, 0x13430, 0x1343F,
    };

    // P* characters added after Unicode 8.0: HF does not split on them.
    private static final int[] NOT_PUNCTUATION_IN_HF = {
        0x061D, 0x061D, 0x09FD, 0x09FD, 0x0A76, 0x0A76, 0x0C77, 0x0C77, 0x0C84, 0x0C84, 0x1B4E, 0x1B4F, 0x1B7D, 0x1B7F,
        0x2E43, 0x2E4F, 0x2E52, 0x2E5D, 0x10D6E, 0x10D6E, 0x10EAD, 0x10EAD, 0x10F55, 0x10F59, 0x10F86, 0x10F89, 0x113D4,
        0x113D5, 0x113D7, 0x113D8, 0x1144B, 0x1144F, 0x1145A, 0x1145B, 0x1145D, 0x1145D, 0x11660, 0x1166C, 0x116B9,
        0x116B9, 0x1183B, 0x1183B, 0x11944, 0x11946, 0x119E2, 0x119E2, 0x11A3F, 0x11A46, 0x11A9A, 0x11A9C, 0x11A9E,
        0x11AA2, 0x11B00, 0x11B09, 0x11BE1, 0x11BE1, 0x11C41, 0x11C45, 0x11C70, 0x11C71, 0x11EF7, 0x11EF8, 0x11F43,
        0x11F4F, 0x11FFF, 0x11FFF, 0x12FF1, 0x12FF2, 0x16D6D, 0x16D6F, 0x16E97, 0x16E9A, 0x16FE2, 0x16FE2, 0x1E5FF,
        0x1E5FF, 0x1E95E, 0x1E95F,
    };

    // Punctuation in Unicode 8.0 that was recategorised since (U+166D to So, U+111C9 to Mn).
    private static final int[] PUNCTUATION_ONLY_IN_HF = {
        0x166D, 0x166D, 0x111C9, 0x111C9,
    };

    // Mn characters added (or recategorised as Mn) after Unicode 8.0: strip_accents keeps them.
    private static final int[] NOT_NONSPACING_MARK_IN_HF = {
        0x07FD, 0x07FD, 0x0897, 0x089F, 0x08CA, 0x08E1, 0x09FE, 0x09FE, 0x0AFA, 0x0AFF, 0x0B55, 0x0B55, 0x0C04, 0x0C04,
        0x0C3C, 0x0C3C, 0x0D00, 0x0D00, 0x0D3B, 0x0D3C, 0x0D81, 0x0D81, 0x0EBA, 0x0EBA, 0x0ECE, 0x0ECE, 0x180F, 0x180F,
        0x1885, 0x1886, 0x1ABF, 0x1ACE, 0x1DF6, 0x1DFB, 0xA82C, 0xA82C, 0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0xA9BD, 0xA9BD,
        0x10D24, 0x10D27, 0x10D69, 0x10D6D, 0x10EAB, 0x10EAC, 0x10EFC, 0x10EFF, 0x10F46, 0x10F50, 0x10F82, 0x10F85,
        0x11070, 0x11070, 0x11073, 0x11074, 0x110C2, 0x110C2, 0x111C9, 0x111C9, 0x111CF, 0x111CF, 0x1123E, 0x1123E,
        0x11241, 0x11241, 0x1133B, 0x1133B, 0x113BB, 0x113C0, 0x113CE, 0x113CE, 0x113D0, 0x113D0, 0x113D2, 0x113D2,
        0x113E1, 0x113E2, 0x11438, 0x1143F, 0x11442, 0x11444, 0x11446, 0x11446, 0x1145E, 0x1145E, 0x1182F, 0x11837,
        0x11839, 0x1183A, 0x1193B, 0x1193C, 0x1193E, 0x1193E, 0x11943, 0x11943, 0x119D4, 0x119D7, 0x119DA, 0x119DB,
        0x119E0, 0x119E0, 0x11A01, 0x11A0A, 0x11A33, 0x11A38, 0x11A3B, 0x11A3E, 0x11A47, 0x11A47, 0x11A51, 0x11A56,
        0x11A59, 0x11A5B, 0x11A8A, 0x11A96, 0x11A98, 0x11A99, 0x11C30, 0x11C36, 0x11C38, 0x11C3D, 0x11C3F, 0x11C3F,
        0x11C92, 0x11CA7, 0x11CAA, 0x11CB0, 0x11CB2, 0x11CB3, 0x11CB5, 0x11CB6, 0x11D31, 0x11D36, 0x11D3A, 0x11D3A,
        0x11D3C, 0x11D3D, 0x11D3F, 0x11D45, 0x11D47, 0x11D47, 0x11D90, 0x11D91, 0x11D95, 0x11D95, 0x11D97, 0x11D97,
        0x11EF3, 0x11EF4, 0x11F00, 0x11F01, 0x11F36, 0x11F3A, 0x11F40, 0x11F40, 0x11F42, 0x11F42, 0x11F5A, 0x11F5A,
        0x13440, 0x13440, 0x13447, 0x13455, 0x1611E, 0x16120, 0x16129, 0x16129, 0x1612D, 0x1612F, 0x16F4F, 0x16F4F,
        0x16FE4, 0x16FE4, 0x1CF00, 0x1CF2D, 0x1CF30, 0x1CF46, 0x1E000, 0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021,
        0x1E023, 0x1E024, 0x1E026, 0x1E02A, 0x1E08F, 0x1E08F, 0x1E130, 0x1E136, 0x1E2AE, 0x1E2AE, 0x1E2EC, 0x1E2EF,
        0x1E4EC, 0x1E4EF, 0x1E5EE, 0x1E5EF, 0x1E944, 0x1E94A,
    };

    // Mn in Unicode 8.0, Mc since Unicode 14.
    private static final int[] NONSPACING_MARK_ONLY_IN_HF = {
        0x1734, 0x1734, 0x1171E, 0x1171E,
    };
}
