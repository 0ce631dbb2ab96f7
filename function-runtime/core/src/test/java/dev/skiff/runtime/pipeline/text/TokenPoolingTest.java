package dev.skiff.runtime.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.model.ModelConfig.Pooling;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;

/** Each pooling mode as sentence-transformers computes it, and the tokenizer types the pipeline refuses. */
class TokenPoolingTest {
    // two texts of three tokens, dimension 2; the second text's last token is padding
    static final float[] TOKENS = {
        3, 4, 1, 0, -1, 8, //
        0, 2, 4, -2, 100, 100
    };
    static final long[] MASK = {1, 1, 1, 1, 1, 0};

    static float[] pool(Pooling mode, boolean normalize) {
        FloatBuffer direct = ByteBuffer.allocateDirect(TOKENS.length * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer()
                .put(TOKENS)
                .flip();
        return TokenPooling.pool(mode, normalize, direct, MASK, 2, 3, 2);
    }

    @Test
    void clsTakesTheFirstToken() {
        assertArrayEquals(new float[] {3, 4, 0, 2}, pool(Pooling.CLS, false));
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 1}, pool(Pooling.CLS, true), 1e-6f);
    }

    @Test
    void maxTakesEachDimensionsLargestKeptValue() {
        assertArrayEquals(new float[] {3, 8, 4, 2}, pool(Pooling.MAX, false), "padding is not a candidate");
    }

    @Test
    void meanAveragesTheKeptTokens() {
        assertArrayEquals(new float[] {1, 4, 2, 0}, pool(Pooling.MEAN, false), 1e-6f);
        assertArrayEquals(new float[] {0.24253563f, 0.9701425f, 1, 0}, pool(Pooling.MEAN, true), 1e-6f);
    }

    @Test
    void wrongSizesAreRefused() {
        FloatBuffer tooFew = FloatBuffer.allocate(4);
        assertThrows(IllegalArgumentException.class, () -> TokenPooling.pool(Pooling.CLS, true, tooFew, MASK, 2, 3, 2));
    }

    @Test
    void aTokenizerTypeThePipelineCannotRunIsRefusedByName() {
        for (String type : new String[] {"Unigram", "BPE", "WordLevel"}) {
            String json = "{\"version\": \"1.0\", \"model\": {\"type\": \"" + type + "\", \"vocab\": []}}";
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> WordPieceTokenizer.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
            assertTrue(
                    e.getMessage().contains("model.type is \"" + type + "\", which Skiff's tokenizer cannot run"),
                    e.getMessage());
        }
    }
}
