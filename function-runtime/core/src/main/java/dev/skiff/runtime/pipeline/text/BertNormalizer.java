package dev.skiff.runtime.pipeline.text;

import java.text.Normalizer;

/**
 * Hugging Face's BertNormalizer: clean_text, handle_chinese_chars, strip_accents and lowercase, applied in
 * that order, each on its own flag.
 */
final class BertNormalizer {

    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
    }

    /** Appends the normalized form of {@code text[from, to)} to {@code out}. */
    void normalize(CharSequence text, int from, int to, CharArrayBuilder out) {
        int outStart = out.length;
        boolean asciiOnly = true;
        int i = from;
        while (i < to) {
            int c = text.charAt(i++);
            if (Character.isHighSurrogate((char) c) && i < to && Character.isLowSurrogate(text.charAt(i))) {
                c = Character.toCodePoint((char) c, text.charAt(i++));
            }
            if (cleanText) {
                if (BertCharacterClasses.isDroppedByCleanText(c)) {
                    continue;
                }
                if (BertCharacterClasses.isWhitespace(c)) {
                    c = ' ';
                }
            }
            if (handleChineseChars && BertCharacterClasses.isChineseCharacter(c)) {
                out.append(' ');
                out.appendCodePoint(c);
                out.append(' ');
            } else {
                out.appendCodePoint(c);
            }
            asciiOnly &= c < 0x80;
        }
        if (asciiOnly) {
            // NFD leaves ASCII alone and no ASCII character is a mark: only lowercasing can change it
            if (lowercase) {
                char[] chars = out.chars;
                for (int j = outStart; j < out.length; j++) {
                    char c = chars[j];
                    if (c >= 'A' && c <= 'Z') {
                        chars[j] = (char) (c + ('a' - 'A'));
                    }
                }
            }
        } else if (stripAccents || lowercase) {
            String cleaned = new String(out.chars, outStart, out.length - outStart);
            String decomposed = stripAccents ? Normalizer.normalize(cleaned, Normalizer.Form.NFD) : cleaned;
            out.length = outStart;
            for (int j = 0; j < decomposed.length(); ) {
                int c = decomposed.codePointAt(j);
                j += Character.charCount(c);
                if (stripAccents && BertCharacterClasses.isNonspacingMark(c)) {
                    continue;
                }
                if (lowercase) {
                    appendLowercase(c, out);
                } else {
                    out.appendCodePoint(c);
                }
            }
        }
    }

    /** Rust's char::to_lowercase, HF's per-character lowercasing: no final sigma; U+0130 becomes two chars. */
    private static void appendLowercase(int c, CharArrayBuilder out) {
        if (c == 0x130) {
            out.append('i');
            out.append('\u0307');
        } else {
            out.appendCodePoint(Character.toLowerCase(c));
        }
    }
}
