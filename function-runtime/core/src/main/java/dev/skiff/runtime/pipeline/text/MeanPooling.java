package dev.skiff.runtime.pipeline.text;

import java.nio.FloatBuffer;

/**
 * Sentence embeddings from token embeddings, as sentence-transformers computes them: the mean of the
 * embeddings of the tokens the attention mask keeps, scaled to unit L2 norm.
 */
public final class MeanPooling {

    /** sentence-transformers' floor for the norm: a zero vector stays zero instead of becoming NaN. */
    private static final double MIN_NORM = 1e-12;

    private MeanPooling() {}

    /**
     * Pools a model output of shape {@code [rows, sequenceLength, dimension]}, flat and row-major, read from
     * the buffer's position on (the buffer itself is not moved).
     *
     * @param attentionMask {@code [rows, sequenceLength]}, row-major; a token counts where it is not 0
     * @return {@code [rows, dimension]}, row-major; a row whose mask is all 0 is all 0
     */
    public static float[] poolAndNormalize(
            FloatBuffer tokenEmbeddings, long[] attentionMask, int rows, int sequenceLength, int dimension) {
        checkSizes(tokenEmbeddings.remaining(), attentionMask, rows, sequenceLength, dimension);
        if (tokenEmbeddings.hasArray()) {
            return pool(
                    tokenEmbeddings.array(),
                    tokenEmbeddings.arrayOffset() + tokenEmbeddings.position(),
                    attentionMask,
                    rows,
                    sequenceLength,
                    dimension);
        }
        // a direct or view buffer: copy each kept token out in bulk, then add as arrays do
        float[] pooled = new float[rows * dimension];
        float[] token = new float[dimension];
        int base = tokenEmbeddings.position();
        for (int row = 0; row < rows; row++) {
            int tokens = 0;
            for (int t = 0; t < sequenceLength; t++) {
                if (attentionMask[row * sequenceLength + t] != 0) {
                    tokens++;
                    tokenEmbeddings.get(base + (row * sequenceLength + t) * dimension, token, 0, dimension);
                    add(token, 0, pooled, row * dimension, dimension);
                }
            }
            meanAndNormalize(pooled, row * dimension, dimension, tokens);
        }
        return pooled;
    }

    /** The same, for an output already in an array, starting at {@code offset}. */
    public static float[] poolAndNormalize(
            float[] tokenEmbeddings, int offset, long[] attentionMask, int rows, int sequenceLength, int dimension) {
        checkSizes(tokenEmbeddings.length - offset, attentionMask, rows, sequenceLength, dimension);
        return pool(tokenEmbeddings, offset, attentionMask, rows, sequenceLength, dimension);
    }

    private static float[] pool(
            float[] tokenEmbeddings, int offset, long[] attentionMask, int rows, int sequenceLength, int dimension) {
        float[] pooled = new float[rows * dimension];
        for (int row = 0; row < rows; row++) {
            int tokens = 0;
            for (int t = 0; t < sequenceLength; t++) {
                if (attentionMask[row * sequenceLength + t] != 0) {
                    tokens++;
                    add(
                            tokenEmbeddings,
                            offset + (row * sequenceLength + t) * dimension,
                            pooled,
                            row * dimension,
                            dimension);
                }
            }
            meanAndNormalize(pooled, row * dimension, dimension, tokens);
        }
        return pooled;
    }

    private static void add(float[] vector, int from, float[] sum, int to, int length) {
        for (int i = 0; i < length; i++) {
            sum[to + i] += vector[from + i];
        }
    }

    /** Turns the sum of {@code tokens} vectors at {@code pooled[out, out + dimension)} into a unit mean. */
    private static void meanAndNormalize(float[] pooled, int out, int dimension, int tokens) {
        float inverseCount = 1f / Math.max(tokens, 1);
        double squares = 0;
        for (int d = 0; d < dimension; d++) {
            float mean = pooled[out + d] * inverseCount;
            pooled[out + d] = mean;
            squares += (double) mean * mean;
        }
        float inverseNorm = (float) (1 / Math.max(Math.sqrt(squares), MIN_NORM));
        for (int d = 0; d < dimension; d++) {
            pooled[out + d] *= inverseNorm;
        }
    }

    private static void checkSizes(long embeddings, long[] attentionMask, int rows, int sequenceLength, int dimension) {
        long tokens = (long) rows * sequenceLength;
        if (rows < 0
                || sequenceLength < 0
                || dimension < 0
                || attentionMask.length != tokens
                || embeddings != tokens * dimension) {
            throw new IllegalArgumentException("mean pooling expects token embeddings of [" + rows + ", "
                    + sequenceLength + ", " + dimension + "] (" + tokens * dimension + " values) and a mask of ["
                    + rows + ", " + sequenceLength + "] (" + tokens + " values); got " + embeddings
                    + " values and a mask of " + attentionMask.length);
        }
    }
}
