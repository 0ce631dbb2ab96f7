package dev.skiff.runtime.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokenizer on text and tokenizer.json files nobody here wrote. Any text encodes, within the
 * length asked for, to ids of the vocabulary; a tokenizer.json is read or refused with
 * IllegalArgumentException or IOException, as {@link WordPieceTokenizer#load(java.nio.file.Path)} says.
 * <p>The test run replays the committed corpus ({@code TokenizerFuzzTestInputs/}); a fuzzing run
 * is README's "Fuzzing" command.
 */
class TokenizerFuzzTest {
    static final WordPieceTokenizer MINILM = minilm();
    static final int VOCABULARY = vocabularySize();

    @FuzzTest(maxDuration = "10s")
    void encodesAnyText(FuzzedDataProvider data) {
        int maxLength = data.consumeInt(MINILM.specialTokenCount() + 1, 600);
        List<String> texts = new ArrayList<>();
        int rows = data.consumeInt(1, 4);
        for (int i = 0; i < rows - 1; i++) texts.add(data.consumeString(200));
        texts.add(data.consumeRemainingAsString());

        TokenizedBatch batch = MINILM.encode(texts, maxLength);
        assertEquals(rows, batch.rows());
        assertTrue(batch.sequenceLength() <= maxLength, "longer than asked for");
        int cells = rows * batch.sequenceLength();
        assertEquals(cells, batch.inputIds().length);
        assertEquals(cells, batch.attentionMask().length);
        for (int i = 0; i < cells; i++) {
            long id = batch.inputIds()[i];
            assertTrue(id >= 0 && id < VOCABULARY, "id " + id + " is outside the vocabulary");
            long mask = batch.attentionMask()[i];
            assertTrue(mask == 0 || mask == 1, "mask " + mask);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void readsOrRefusesATokenizerFile(byte[] tokenizerJson) {
        WordPieceTokenizer tokenizer;
        try {
            tokenizer = WordPieceTokenizer.load(new ByteArrayInputStream(tokenizerJson));
        } catch (IllegalArgumentException | IOException refused) {
            return;
        }
        // what it reads, it can use
        tokenizer.encode(List.of("fuzzing finds what tests miss", ""), tokenizer.specialTokenCount() + 8);
    }

    private static WordPieceTokenizer minilm() {
        try (InputStream json = HuggingFaceReference.resource(HuggingFaceReference.MINILM_TOKENIZER)) {
            return WordPieceTokenizer.load(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One past the largest id of minilm's vocabulary and added tokens: every id its encoding may produce is below. */
    private static int vocabularySize() {
        try {
            JsonNode json = new ObjectMapper().readTree(HuggingFaceReference.minilmJson());
            int largest = 0;
            for (JsonNode id : json.at("/model/vocab")) largest = Math.max(largest, id.asInt());
            for (JsonNode added : json.path("added_tokens"))
                largest = Math.max(largest, added.path("id").asInt());
            return largest + 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
