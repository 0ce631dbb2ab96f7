package dev.skiff.runtime.pipeline.text;

import static dev.skiff.runtime.pipeline.text.HuggingFaceReference.assertSameEncoding;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

class WordPieceTokenizerTest {

    @TempDir
    static Path files;

    static String minilmJson;
    static Path minilmFile;
    static WordPieceTokenizer minilm;

    @BeforeAll
    static void loadMinilm() throws IOException {
        minilmJson = HuggingFaceReference.minilmJson();
        minilmFile = HuggingFaceReference.write(files, "minilm.json", minilmJson);
        try (InputStream json = HuggingFaceReference.resource(HuggingFaceReference.MINILM_TOKENIZER)) {
            minilm = WordPieceTokenizer.load(json);
        }
    }

    static final String LONG_TEXT = longText();

    static final List<String> TRICKY_TEXTS = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "HeLLo WoRLD, MiXeD CaSe and ALL CAPS",
            "Café naïve résumé",
            "Ünïcödé ÀÉÎÕÜ ñ ç ø å ß Øresund",
            "日本語のテキスト",
            "中文字符和English混合，还有标点。",
            "한국어 텍스트",
            "Привет, мир!",
            "مرحبا بالعالم",
            "नमस्ते दुनिया",
            "don't-stop!!! $3.50 e-mail@x.com",
            "x^y`z|w~v<u>t=s+r #hashtag @mention 100% (parens) [brackets] {braces}",
            "¿Qué? ¡Sí! «quotes» “curly” ‘single’ — em dash – en dash… ellipsis",
            "I love it 😀👍🏽🎉 family: 👨‍👩‍👧 flags: 🇫🇷 new ones: 🫠 🪿 🥲",
            "tabs\tand\nnewlines\r\nand\u0000nul\u0007bell\u001bescape\u200bzwsp\u00adsoft\u200djoiner",
            "\u2028line separator\u3000ideographic space\u00a0nbsp\u2009thin\u0085nel",
            "ΣΑΣ ΟΔΟΣ İstanbul ﬁ ǅ ẞ",
            "a\u0301 e\u0308 n\u0303 combining marks, and a lone mark \u0301 here",
            "unaffable unbelievable tokenization wordpiece antidisestablishmentarianism",
            "1234567890 3.14159 1,000,000 42nd 1st 2nd 3rd -7 +8 0x1F 1e-9",
            "",
            "   ",
            "\t\n",
            "\uFFFD\uFFFD",
            "lone surrogates \uD83D here \uDE00 and there",
            "pneumonoultramicroscopicsilicovolcanoconiosis".repeat(3),
            "a".repeat(100),
            "a".repeat(101),
            "é".repeat(101),
            "😀".repeat(100) + " " + "😀".repeat(101),
            "[CLS] special [SEP] tokens [MASK] in [UNK] text [PAD] and [cls] lowercase [SEP][SEP]x[SEP]",
            LONG_TEXT);

    static Stream<Arguments> textsAndLengths() {
        List<Arguments> cases = new ArrayList<>();
        for (int maxLength : new int[] {512, 128, 16, 3, 2}) {
            for (String text : TRICKY_TEXTS) {
                cases.add(Arguments.of(text, maxLength));
            }
        }
        return cases.stream();
    }

    /** One HF tokenizer per maxLength, loaded once: loading one costs more than the comparisons. */
    static final Map<Integer, HuggingFaceTokenizer> REFERENCES = new HashMap<>();

    @AfterAll
    static void closeReferences() {
        REFERENCES.values().forEach(HuggingFaceTokenizer::close);
    }

    @ParameterizedTest(name = "[{index}] maxLength {1}")
    @MethodSource("textsAndLengths")
    void matchesHuggingFaceTokenizers(String text, int maxLength) throws IOException {
        HuggingFaceReference.assumeAvailable();
        HuggingFaceTokenizer reference = REFERENCES.get(maxLength);
        if (reference == null) {
            reference = HuggingFaceReference.unpadded(minilmFile, maxLength);
            REFERENCES.put(maxLength, reference);
        }
        assertSameEncoding(reference, minilm, text, maxLength);
    }

    @Test
    void padsABatchToItsLongestRowLikeHuggingFaceTokenizers() throws IOException {
        HuggingFaceReference.assumeAvailable();
        int maxLength = 128;
        TokenizedBatch batch = minilm.encode(TRICKY_TEXTS, maxLength);
        try (HuggingFaceTokenizer reference = HuggingFaceReference.paddedToLongest(minilmFile, maxLength)) {
            Encoding[] expected = reference.batchEncode(TRICKY_TEXTS);
            assertEquals(TRICKY_TEXTS.size(), batch.rows());
            assertEquals(expected[0].getIds().length, batch.sequenceLength());
            assertEquals(maxLength, batch.sequenceLength(), "the long text sets the length");
            for (int row = 0; row < batch.rows(); row++) {
                int from = row * batch.sequenceLength();
                int to = from + batch.sequenceLength();
                String what = " of row " + row + ", " + HuggingFaceReference.describe(TRICKY_TEXTS.get(row));
                assertArrayEquals(expected[row].getIds(), Arrays.copyOfRange(batch.inputIds(), from, to), "ids" + what);
                assertArrayEquals(
                        expected[row].getAttentionMask(),
                        Arrays.copyOfRange(batch.attentionMask(), from, to),
                        "attention mask" + what);
                assertArrayEquals(
                        expected[row].getTypeIds(),
                        Arrays.copyOfRange(batch.tokenTypeIds(), from, to),
                        "type ids" + what);
            }
        }
    }

    @Test
    void encodesKnownSentencesToHandCheckedIds() {
        // ids read off the MiniLM vocab by hand; these hold whether or not HF's natives load here
        TokenizedBatch batch = minilm.encode(List.of("Hello, world!", "Café", "unaffable", ""), 16);
        assertEquals(4, batch.rows());
        assertEquals(6, batch.sequenceLength());
        assertArrayEquals(
                new long[] {
                    101, 7592, 1010, 2088, 999, 102, //  [CLS] hello , world ! [SEP]
                    101, 7668, 102, 0, 0, 0, //         [CLS] cafe [SEP] [PAD]...
                    101, 14477, 20961, 3468, 102, 0, // [CLS] una ##ffa ##ble [SEP]
                    101, 102, 0, 0, 0, 0, //            [CLS] [SEP]
                },
                batch.inputIds());
        assertArrayEquals(
                new long[] {
                    1, 1, 1, 1, 1, 1,
                    1, 1, 1, 0, 0, 0,
                    1, 1, 1, 1, 1, 0,
                    1, 1, 0, 0, 0, 0,
                },
                batch.attentionMask());
        assertArrayEquals(new long[24], batch.tokenTypeIds());
        assertArrayEquals(new long[] {4, 6}, batch.shape());
    }

    @Test
    void truncatesOnTheRightAndKeepsTheSpecialTokens() {
        TokenizedBatch batch = minilm.encode(List.of("one two three four five six"), 5);
        assertArrayEquals(new long[] {101, 2028, 2048, 2093, 102}, batch.inputIds());
        assertArrayEquals(
                new long[] {101, 102}, minilm.encode(List.of("anything"), 2).inputIds());
    }

    @Test
    void turnsAWordLongerThanMaxInputCharsPerWordIntoUnknown() {
        assertArrayEquals(
                new long[] {101, 100, 102},
                minilm.encode(List.of("a".repeat(101)), 16).inputIds());
        assertArrayEquals(
                new long[] {101, 100, 1037, 102},
                minilm.encode(List.of("☃ a"), 16).inputIds());
    }

    @Test
    void encodesAnEmptyBatch() {
        TokenizedBatch batch = minilm.encode(List.of(), 128);
        assertEquals(0, batch.rows());
        assertEquals(0, batch.inputIds().length);
    }

    @Test
    void refusesAMaxLengthWithoutRoomForTheSpecialTokens() {
        assertEquals(2, minilm.specialTokenCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> minilm.encode(List.of("x"), 1));
        assertTrue(e.getMessage().contains("maxLength 1"), e.getMessage());
    }

    @Test
    void refusesANullText() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> minilm.encode(Arrays.asList("fine", null), 16));
        assertTrue(e.getMessage().contains("text 1"), e.getMessage());
    }

    /** The normalizer flags, each way, against HF: strip_accents null follows lowercase there. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"clean_text\": true, \"handle_chinese_chars\": true, \"strip_accents\": null, \"lowercase\": false",
                "\"clean_text\": true, \"handle_chinese_chars\": true, \"strip_accents\": false, \"lowercase\": true",
                "\"clean_text\": true, \"handle_chinese_chars\": true, \"strip_accents\": true, \"lowercase\": false",
                "\"clean_text\": false, \"handle_chinese_chars\": false, \"strip_accents\": null, \"lowercase\": true",
                "\"clean_text\": false, \"handle_chinese_chars\": true, \"strip_accents\": false, \"lowercase\": false",
            })
    void honoursTheNormalizerFlagsLikeHuggingFaceTokenizers(String flags) throws IOException {
        HuggingFaceReference.assumeAvailable();
        String json = minilmJson.replace(
                "\"clean_text\": true,\n    \"handle_chinese_chars\": true,\n    \"strip_accents\": null,\n    \"lowercase\": true",
                flags);
        assertTrue(!json.equals(minilmJson), "the normalizer section of the MiniLM file changed; update this test");
        Path file = HuggingFaceReference.write(files, "flags.json", json);
        WordPieceTokenizer ours = WordPieceTokenizer.load(file);
        try (HuggingFaceTokenizer reference = HuggingFaceReference.unpadded(file, 512)) {
            for (String text : TRICKY_TEXTS) {
                assertSameEncoding(reference, ours, text, 512);
            }
        }
    }

    /**
     * Added tokens with single_word, lstrip, rstrip and normalized, on a small vocabulary, against HF; the ids
     * of those outside the vocabulary are HF's to assign, whatever the file says.
     */
    @Test
    void matchesAddedTokensLikeHuggingFaceTokenizers() throws IOException {
        HuggingFaceReference.assumeAvailable();
        String json = """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [
               {"id": 0, "content": "[PAD]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
               {"id": 1, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
               {"id": 2, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
               {"id": 3, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
               {"id": 4, "content": "<mask>", "single_word": false, "lstrip": true, "rstrip": true, "normalized": false, "special": true},
               {"id": 5, "content": "Ony", "single_word": true, "lstrip": false, "rstrip": false, "normalized": true, "special": false},
               {"id": 6, "content": "[SEP][SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
               {"id": 99, "content": "<extra>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false},
               {"id": 4, "content": "<mask>", "single_word": false, "lstrip": true, "rstrip": true, "normalized": false, "special": true},
               {"id": 7, "content": "", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false}
             ],
             "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
             "decoder": null,
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
               "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "<mask>": 4, "a": 7, "b": 8, "ab": 9, "##b": 10, "x": 11,
                         "mask": 12, "<": 13, ">": 14, "ony": 15, "##ony": 16, "t": 17}}}
            """;
        Path file = HuggingFaceReference.write(files, "added.json", json);
        WordPieceTokenizer ours = WordPieceTokenizer.load(file);
        List<String> texts = List.of(
                "a <mask> b",
                "a  <mask>\t\tb",
                "<mask><mask>",
                "x<mask>x",
                "ab [SEP] ab",
                "ony Ony ONY aony onyb a ony, ony_",
                "[SEP][SEP][SEP]",
                "abb ab ab",
                "t<mask>",
                " <mask> ",
                "ÓNY",
                "[sep]",
                "a<extra>b <extra><extra>",
                "");
        try (HuggingFaceTokenizer reference = HuggingFaceReference.unpadded(file, 64)) {
            for (String text : texts) {
                assertSameEncoding(reference, ours, text, 64);
            }
        }
    }

    @Test
    void readsTheMinilmFileFromAPathAsFromAStream() throws IOException {
        WordPieceTokenizer fromPath = WordPieceTokenizer.load(minilmFile);
        assertArrayEquals(
                minilm.encode(TRICKY_TEXTS, 64).inputIds(),
                fromPath.encode(TRICKY_TEXTS, 64).inputIds());
    }

    @Test
    void refusesAModelThatIsNotWordPiece() {
        assertRefused(
                minilmJson.replace(
                        "\"type\": \"WordPiece\",\n    \"unk_token\"", "\"type\": \"BPE\",\n    \"unk_token\""),
                "model.type is \"BPE\"");
    }

    @Test
    void refusesAFileWithoutVocabulary() {
        assertRefused("""
            {"normalizer": null, "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": null,
             "model": {"type": "WordPiece", "unk_token": "[UNK]"}}
            """, "model.vocab is missing");
    }

    @Test
    void refusesAFileWithoutModel() {
        assertRefused("{\"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"}}", "model is missing");
    }

    @Test
    void refusesAnUnknownTokenThatIsNotInTheVocabulary() {
        assertRefused(
                minilmJson.replace("\"unk_token\": \"[UNK]\"", "\"unk_token\": \"<unk>\""),
                "model.unk_token \"<unk>\" is not in model.vocab");
    }

    @Test
    void refusesAnotherNormalizer() {
        assertRefused(
                minilmJson.replace("\"type\": \"BertNormalizer\"", "\"type\": \"NFKC\""),
                "normalizer.type is \"NFKC\"");
    }

    @Test
    void refusesAnotherPreTokenizer() {
        assertRefused(
                minilmJson.replace("\"type\": \"BertPreTokenizer\"", "\"type\": \"ByteLevel\""),
                "pre_tokenizer.type is \"ByteLevel\"");
    }

    @Test
    void refusesAnotherPostProcessor() {
        assertRefused(
                minilmJson.replace("\"type\": \"TemplateProcessing\"", "\"type\": \"RobertaProcessing\""),
                "post_processor.type is \"RobertaProcessing\"");
    }

    @Test
    void refusesATemplateWithAnUndefinedSpecialToken() {
        assertRefused(
                minilmJson.replace("\"special_tokens\": {\n      \"[CLS]\"", "\"special_tokens\": {\n      \"[XXX]\""),
                "special token \"[CLS]\"");
    }

    @Test
    void refusesSomethingThatIsNotJsonObject() {
        assertRefused("[1, 2, 3]", "not a JSON object");
    }

    private static void assertRefused(String json, String expectedProblem) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> WordPieceTokenizer.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains(expectedProblem), () -> "message: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("tokenizer.json cannot be used as a WordPiece tokenizer"), e.getMessage());
    }

    /** About 300 words of English, far past 128 tokens. */
    private static String longText() {
        String paragraph = "Skiff serves ONNX models on AWS Lambda, scaling to zero when idle and back up in "
                + "milliseconds; heavier models go to a GPU pool behind the same API. The embeddings it returns "
                + "are normalized, so cosine similarity is a plain dot product. ";
        StringBuilder text = new StringBuilder();
        while (text.toString().split(" ").length < 300) {
            text.append(paragraph);
        }
        return text.toString();
    }
}
