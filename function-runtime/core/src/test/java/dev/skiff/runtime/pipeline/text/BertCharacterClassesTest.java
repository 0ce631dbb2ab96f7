package dev.skiff.runtime.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every code point the JDK knows, through HF tokenizers and through ours: the character classes (control,
 * whitespace, punctuation, nonspacing mark, CJK) and the lowercasing and NFD must agree one by one.
 */
class BertCharacterClassesTest {

    @TempDir
    Path files;

    /** A normalizer with only the given flags on, the BertPreTokenizer, and a vocabulary of a, b and ab. */
    private static String probeTokenizer(boolean cleanText, boolean stripAccents) {
        return """
            {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
             "normalizer": {"type": "BertNormalizer", "clean_text": %s, "handle_chinese_chars": false,
                            "strip_accents": %s, "lowercase": false},
             "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": null, "decoder": null,
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                       "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "a": 1, "b": 2, "ab": 3}}}
            """.formatted(cleanText, stripAccents);
    }

    /**
     * "a" + c + "b" gives [ab] where c is dropped, [a, b] where it is whitespace, [a, UNK, b] where it is
     * punctuation and [UNK] where it is an ordinary character.
     */
    @Test
    void cleanTextAndTheSplitsClassifyEveryCodePointLikeHuggingFace() throws IOException {
        assertSameIdsForEveryCodePoint(probeTokenizer(true, false), "clean.json", true);
    }

    /** As above, where c vanishes when NFD plus the removal of Mn leaves nothing of it. */
    @Test
    void stripAccentsTreatsEveryCodePointLikeHuggingFace() throws IOException {
        assertSameIdsForEveryCodePoint(probeTokenizer(false, true), "strip.json", true);
    }

    /** The whole MiniLM normalizer and its 30k vocabulary, which holds many single characters: lowercasing too. */
    @Test
    void theMinilmTokenizerEncodesEveryCodePointLikeHuggingFace() throws IOException {
        assertSameIdsForEveryCodePoint(HuggingFaceReference.minilmJson(), "minilm.json", false);
    }

    @Test
    void classifiesWellKnownCharacters() {
        assertTrue(BertCharacterClasses.isWhitespace('\u00A0'));
        assertTrue(BertCharacterClasses.isWhitespace('\u3000'));
        assertFalse(BertCharacterClasses.isWhitespace('\u200B')); // zero width space is Cf, and dropped
        assertTrue(BertCharacterClasses.isDroppedByCleanText('\u200B'));
        assertTrue(BertCharacterClasses.isDroppedByCleanText(0));
        assertFalse(BertCharacterClasses.isDroppedByCleanText('\t'));
        assertTrue(BertCharacterClasses.isPunctuation('$'));
        assertTrue(BertCharacterClasses.isPunctuation('\u00BF'));
        assertFalse(BertCharacterClasses.isPunctuation('\u00AC')); // NOT SIGN is Sm
        assertFalse(BertCharacterClasses.isPunctuation(0x2E52)); // Unicode 13: after HF's tables
        assertTrue(BertCharacterClasses.isNonspacingMark(0x301));
        assertTrue(BertCharacterClasses.isChineseCharacter('中'));
        assertFalse(BertCharacterClasses.isChineseCharacter('の'));
    }

    private void assertSameIdsForEveryCodePoint(String json, String fileName, boolean betweenAAndB) throws IOException {
        HuggingFaceReference.assumeAvailable();
        Path file = HuggingFaceReference.write(files, fileName, json);
        WordPieceTokenizer ours = WordPieceTokenizer.load(file);
        List<String> mismatches = new ArrayList<>();
        try (HuggingFaceTokenizer reference = HuggingFaceReference.unpadded(file, 64)) {
            List<String> chunk = new ArrayList<>();
            for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
                if (worthProbing(c)) {
                    chunk.add(betweenAAndB ? "a" + Character.toString(c) + "b" : Character.toString(c));
                }
                if (chunk.size() == 10_000 || (c == Character.MAX_CODE_POINT && !chunk.isEmpty())) {
                    Encoding[] expected = reference.batchEncode(chunk);
                    for (int i = 0; i < chunk.size(); i++) {
                        long[] actual = ours.encode(List.of(chunk.get(i)), 64).inputIds();
                        if (!Arrays.equals(expected[i].getIds(), actual) && mismatches.size() < 20) {
                            int probed = chunk.get(i).codePointAt(betweenAAndB ? 1 : 0);
                            mismatches.add(String.format(
                                    "U+%04X (type %d): HF %s, ours %s",
                                    probed,
                                    Character.getType(probed),
                                    Arrays.toString(expected[i].getIds()),
                                    Arrays.toString(actual)));
                        }
                    }
                    chunk.clear();
                }
            }
        }
        assertTrue(mismatches.isEmpty(), () -> fileName + ": " + String.join("\n", mismatches));
    }

    /**
     * All of the BMP but surrogates, and what the JDK assigns beyond it, but for a sample of the private use
     * planes and of the big ideograph blocks (uncased letters: only the edges of HF's CJK ranges matter there).
     */
    private static boolean worthProbing(int c) {
        if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
            return false; // not text on their own; HF never sees them
        }
        if (c < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
            return true;
        }
        int type = Character.getType(c);
        boolean cjkEdge = BertCharacterClasses.isChineseCharacter(c) != BertCharacterClasses.isChineseCharacter(c - 1)
                || BertCharacterClasses.isChineseCharacter(c) != BertCharacterClasses.isChineseCharacter(c + 1);
        return switch (type) {
            case Character.UNASSIGNED -> cjkEdge;
            case Character.PRIVATE_USE, Character.OTHER_LETTER -> cjkEdge || c % 64 == 0;
            default -> true;
        };
    }
}
