package dev.skiff.runtime.pipeline.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A BERT WordPiece tokenizer read from a Hugging Face {@code tokenizer.json}, giving the same ids, attention
 * masks and type ids as HF tokenizers for the files it accepts: a BertNormalizer (or none), the
 * BertPreTokenizer, a WordPiece model and a TemplateProcessing or BertProcessing post-processor (or none).
 * Anything else is refused when the file is loaded.
 *
 * <p>Truncation and padding come from the caller, not from the file's {@code truncation} and {@code padding}
 * sections: each text is cut on the right to the caller's maximum length, special tokens included, and a batch
 * is padded on the right to its longest row, with the file's pad id.
 *
 * <p>Immutable and thread-safe.
 */
public final class WordPieceTokenizer {

    private final BertNormalizer normalizer; // null: the text is used as it is
    private final AddedTokenMatcher addedTokensInText; // added tokens matched before normalization
    private final AddedTokenMatcher addedTokensInNormalizedText;
    private final TokenTable vocabulary;
    private final TokenTable continuingSubwords; // the vocabulary's "##x" entries, keyed by "x"
    private final int unknownTokenId;
    private final int maxInputCharsPerWord;
    private final int[] prefixIds; // the post-processor's tokens before the text ([CLS])
    private final int[] prefixTypeIds;
    private final int[] suffixIds; // and after it ([SEP])
    private final int[] suffixTypeIds;
    private final int textTypeId;
    private final int padId;
    private final int padTypeId;

    /** The WordPiece model: its vocabulary, the "##" continuations, the unknown token and the word limit. */
    record Model(TokenTable vocabulary, TokenTable continuingSubwords, int unknownTokenId, int maxInputCharsPerWord) {}

    /** The post-processor's template: the special tokens before and after the text, and their type ids. */
    record Template(int[] prefixIds, int[] prefixTypeIds, int[] suffixIds, int[] suffixTypeIds, int textTypeId) {}

    /** What a batch is padded with. */
    record Padding(int padId, int padTypeId) {}

    WordPieceTokenizer(
            BertNormalizer normalizer,
            AddedTokenMatcher addedTokensInText,
            AddedTokenMatcher addedTokensInNormalizedText,
            Model model,
            Template template,
            Padding padding) {
        this.normalizer = normalizer;
        this.addedTokensInText = addedTokensInText;
        this.addedTokensInNormalizedText = addedTokensInNormalizedText;
        // flattened into fields: the tokenizing loops read them per character
        this.vocabulary = model.vocabulary();
        this.continuingSubwords = model.continuingSubwords();
        this.unknownTokenId = model.unknownTokenId();
        this.maxInputCharsPerWord = model.maxInputCharsPerWord();
        this.prefixIds = template.prefixIds();
        this.prefixTypeIds = template.prefixTypeIds();
        this.suffixIds = template.suffixIds();
        this.suffixTypeIds = template.suffixTypeIds();
        this.textTypeId = template.textTypeId();
        this.padId = padding.padId();
        this.padTypeId = padding.padTypeId();
    }

    /**
     * Reads a tokenizer.json file.
     *
     * @throws IllegalArgumentException when the file declares something this tokenizer does not implement,
     *                                  or lacks something it needs; the message names it
     * @throws IOException              when the file cannot be read or is not JSON
     */
    public static WordPieceTokenizer load(Path tokenizerJson) throws IOException {
        return TokenizerJsonReader.read(Files.readAllBytes(tokenizerJson), tokenizerJson.toString());
    }

    /** Reads a tokenizer.json document from a stream, which it does not close. See {@link #load(Path)}. */
    public static WordPieceTokenizer load(InputStream tokenizerJson) throws IOException {
        return TokenizerJsonReader.read(tokenizerJson.readAllBytes(), "tokenizer.json");
    }

    /** How many tokens the post-processor adds to each text ([CLS] and [SEP]: 2). */
    public int specialTokenCount() {
        return prefixIds.length + suffixIds.length;
    }

    /**
     * Encodes texts as one batch.
     *
     * @param maxLength the most tokens a row may have, special tokens included; longer texts lose their end
     * @throws IllegalArgumentException when maxLength leaves no room for the special tokens, or a text is null
     */
    public TokenizedBatch encode(List<String> texts, int maxLength) {
        int specialTokens = specialTokenCount();
        if (maxLength < specialTokens) {
            throw new IllegalArgumentException("maxLength " + maxLength + " is shorter than the " + specialTokens
                    + " special tokens each text gets");
        }
        int textTokenLimit = maxLength - specialTokens;
        int rows = texts.size();
        IntList textIds = new IntList(rows * Math.min(textTokenLimit, 64));
        int[] rowEnds = new int[rows];
        CharArrayBuilder scratch = new CharArrayBuilder(256);
        int longestText = 0;
        for (int row = 0; row < rows; row++) {
            String text = texts.get(row);
            if (text == null) {
                throw new IllegalArgumentException("text " + row + " of the batch is null");
            }
            int rowStart = textIds.size;
            tokenizeText(text, rowStart + textTokenLimit, textIds, scratch);
            textIds.size = Math.min(textIds.size, rowStart + textTokenLimit); // the last word may overshoot
            rowEnds[row] = textIds.size;
            longestText = Math.max(longestText, textIds.size - rowStart);
        }
        return toBatch(textIds, rowEnds, rows == 0 ? 0 : longestText + specialTokens);
    }

    private TokenizedBatch toBatch(IntList textIds, int[] rowEnds, int sequenceLength) {
        int rows = rowEnds.length;
        long[] inputIds = new long[rows * sequenceLength];
        long[] attentionMask = new long[rows * sequenceLength];
        long[] tokenTypeIds = new long[rows * sequenceLength];
        int textStart = 0;
        for (int row = 0; row < rows; row++) {
            int cell = row * sequenceLength;
            for (int i = 0; i < prefixIds.length; i++, cell++) {
                inputIds[cell] = prefixIds[i];
                tokenTypeIds[cell] = prefixTypeIds[i];
            }
            for (int i = textStart; i < rowEnds[row]; i++, cell++) {
                inputIds[cell] = textIds.values[i];
                tokenTypeIds[cell] = textTypeId;
            }
            for (int i = 0; i < suffixIds.length; i++, cell++) {
                inputIds[cell] = suffixIds[i];
                tokenTypeIds[cell] = suffixTypeIds[i];
            }
            int rowEnd = (row + 1) * sequenceLength;
            Arrays.fill(attentionMask, row * sequenceLength, cell, 1L);
            Arrays.fill(inputIds, cell, rowEnd, padId);
            Arrays.fill(tokenTypeIds, cell, rowEnd, padTypeId);
            textStart = rowEnds[row];
        }
        return new TokenizedBatch(rows, sequenceLength, inputIds, attentionMask, tokenTypeIds);
    }

    /** Appends the ids of text to out, stopping at the first word that ends at or past {@code limit}. */
    private void tokenizeText(String text, int limit, IntList out, CharArrayBuilder scratch) {
        if (addedTokensInText.isEmpty()) {
            tokenizeSegment(text, 0, text.length(), limit, out, scratch);
            return;
        }
        AddedTokenMatcher.Match match = new AddedTokenMatcher.Match();
        int segmentStart = 0;
        while (out.size < limit && addedTokensInText.find(text, 0, segmentStart, text.length(), match)) {
            if (match.start > segmentStart) {
                tokenizeSegment(text, segmentStart, match.start, limit, out, scratch);
            }
            out.add(match.id);
            segmentStart = match.end;
        }
        if (out.size < limit && segmentStart < text.length()) {
            tokenizeSegment(text, segmentStart, text.length(), limit, out, scratch);
        }
    }

    /** A stretch of text without added tokens: normalize, extract normalized added tokens, split, WordPiece. */
    private void tokenizeSegment(String text, int from, int to, int limit, IntList out, CharArrayBuilder scratch) {
        scratch.length = 0;
        if (normalizer == null) {
            scratch.append(text, from, to);
        } else {
            normalizer.normalize(text, from, to, scratch);
        }
        if (addedTokensInNormalizedText.isEmpty()) {
            splitWords(scratch.chars, 0, scratch.length, limit, out);
            return;
        }
        AddedTokenMatcher.Match match = new AddedTokenMatcher.Match();
        int segmentStart = 0;
        while (out.size < limit && addedTokensInNormalizedText.find(scratch, 0, segmentStart, scratch.length, match)) {
            splitWords(scratch.chars, segmentStart, match.start, limit, out);
            out.add(match.id);
            segmentStart = match.end;
        }
        splitWords(scratch.chars, segmentStart, scratch.length, limit, out);
    }

    /** The BertPreTokenizer: words end at whitespace, and each punctuation character is a word of its own. */
    private void splitWords(char[] text, int from, int to, int limit, IntList out) {
        int wordStart = -1;
        int i = from;
        while (i < to && out.size < limit) {
            int c = Character.codePointAt(text, i, to);
            int next = i + Character.charCount(c);
            if (BertCharacterClasses.isWhitespace(c)) {
                if (wordStart >= 0) {
                    wordPiece(text, wordStart, i, out);
                    wordStart = -1;
                }
            } else if (BertCharacterClasses.isPunctuation(c)) {
                if (wordStart >= 0) {
                    wordPiece(text, wordStart, i, out);
                    wordStart = -1;
                }
                if (out.size < limit) {
                    wordPiece(text, i, next, out);
                }
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0 && out.size < limit) {
            wordPiece(text, wordStart, i, out);
        }
    }

    /**
     * WordPiece: the longest vocabulary entry that starts the word, then the longest "##" entry that continues
     * it, and so on; a word that cannot be covered, or is too long, becomes the unknown token.
     */
    private void wordPiece(char[] text, int from, int to, IntList out) {
        if (Character.codePointCount(text, from, to - from) > maxInputCharsPerWord) {
            out.add(unknownTokenId);
            return;
        }
        int wordStartSize = out.size;
        int start = from;
        while (start < to) {
            TokenTable table = start == from ? vocabulary : continuingSubwords;
            int end = to;
            int id = TokenTable.ABSENT;
            while (end > start && (id = table.idOf(text, start, end)) == TokenTable.ABSENT) {
                end -= Character.isLowSurrogate(text[end - 1])
                                && end - 2 >= start
                                && Character.isHighSurrogate(text[end - 2])
                        ? 2
                        : 1;
            }
            if (id == TokenTable.ABSENT) {
                out.size = wordStartSize;
                out.add(unknownTokenId);
                return;
            }
            out.add(id);
            start = end;
        }
    }

    /** A growable int array: ids without boxing. */
    static final class IntList {
        int[] values;
        int size;

        IntList(int initialCapacity) {
            values = new int[Math.max(16, initialCapacity)];
        }

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
