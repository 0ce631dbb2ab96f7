package dev.skiff.runtime.pipeline.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

class MeanPoolingTest {

    private static final float TOLERANCE = 1e-6f;

    // [2 rows, 3 tokens, 2 dims]
    private static final float[] EMBEDDINGS = {
        1, 2, /**/ 3, 4, /**/ 100, -100, // row 0: the third token is padding
        0, 0, /**/ 5, 0, /**/ 0, 0, //     row 1: only the first two tokens count
    };
    private static final long[] MASK = {
        1, 1, 0,
        1, 1, 0,
    };
    // row 0: mean (2, 3), norm sqrt(13); row 1: mean (2.5, 0), norm 2.5
    private static final float[] EXPECTED = {
        (float) (2 / Math.sqrt(13)), (float) (3 / Math.sqrt(13)), 1, 0,
    };

    @Test
    void averagesTheUnmaskedTokensAndScalesToUnitLength() {
        float[] pooled = MeanPooling.poolAndNormalize(EMBEDDINGS, 0, MASK, 2, 3, 2);
        assertArrayEquals(EXPECTED, pooled, TOLERANCE);
        for (int row = 0; row < 2; row++) {
            float x = pooled[2 * row];
            float y = pooled[2 * row + 1];
            assertEquals(1.0, Math.sqrt(x * x + y * y), 1e-6, "norm of row " + row);
        }
    }

    @Test
    void readsHeapDirectAndViewBuffersFromTheirPosition() {
        assertArrayEquals(
                EXPECTED, MeanPooling.poolAndNormalize(FloatBuffer.wrap(EMBEDDINGS), MASK, 2, 3, 2), TOLERANCE);

        FloatBuffer direct = ByteBuffer.allocateDirect((EMBEDDINGS.length + 3) * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        direct.put(new float[] {9, 9, 9}).put(EMBEDDINGS).position(3);
        assertArrayEquals(EXPECTED, MeanPooling.poolAndNormalize(direct, MASK, 2, 3, 2), TOLERANCE);
        assertEquals(3, direct.position(), "the buffer is not moved");

        float[] shifted = new float[EMBEDDINGS.length + 1];
        System.arraycopy(EMBEDDINGS, 0, shifted, 1, EMBEDDINGS.length);
        FloatBuffer slice = FloatBuffer.wrap(shifted).position(1).slice(); // an array offset of 1
        assertArrayEquals(EXPECTED, MeanPooling.poolAndNormalize(slice, MASK, 2, 3, 2), TOLERANCE);
        assertArrayEquals(EXPECTED, MeanPooling.poolAndNormalize(shifted, 1, MASK, 2, 3, 2), TOLERANCE);
    }

    @Test
    void leavesARowWithoutTokensOrWithAZeroMeanAtZero() {
        float[] embeddings = {
            1, 2, /**/ 3, 4, // row 0: everything masked
            1, -1, /**/ -1, 1, // row 1: the mean is the zero vector
        };
        long[] mask = {0, 0, 1, 1};
        float[] pooled = MeanPooling.poolAndNormalize(embeddings, 0, mask, 2, 2, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0}, pooled);
        for (float value : pooled) {
            assertTrue(Float.isFinite(value));
        }
    }

    @Test
    void countsEveryNonZeroMaskValueAsAToken() {
        float[] pooled = MeanPooling.poolAndNormalize(new float[] {3, 0, 0, 4}, 0, new long[] {1, 1}, 1, 2, 2);
        assertArrayEquals(new float[] {0.6f, 0.8f}, pooled, TOLERANCE);
    }

    @Test
    void refusesSizesThatDoNotMatchTheShape() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> MeanPooling.poolAndNormalize(FloatBuffer.wrap(EMBEDDINGS), MASK, 2, 3, 3));
        assertTrue(e.getMessage().contains("[2, 3, 3]"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> MeanPooling.poolAndNormalize(EMBEDDINGS, 0, new long[] {1, 1}, 2, 3, 2));
    }
}
