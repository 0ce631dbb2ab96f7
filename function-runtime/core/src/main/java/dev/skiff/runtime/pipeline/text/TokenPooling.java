package dev.skiff.runtime.pipeline.text;

import dev.skiff.runtime.model.ModelConfig.Pooling;

import java.nio.FloatBuffer;

/**
 * Sentence embeddings from token embeddings by the pooling a model was trained with, as
 * sentence-transformers' Pooling and Normalize modules compute them: the mean of the kept tokens,
 * the first token ([CLS]), or the element-wise maximum of the kept tokens; then, when asked, unit
 * L2 norm. Mean with normalization, the default, is {@link MeanPooling}'s.
 */
public final class TokenPooling {
    /** sentence-transformers' floor for the norm: a zero vector stays zero instead of becoming NaN. */
    private static final double MIN_NORM = 1e-12;

    private TokenPooling() {}

    /**
     * Pools a model output of shape {@code [rows, sequenceLength, dimension]}, flat and row-major,
     * read from the buffer's position on (the buffer is not moved).
     *
     * @param attentionMask {@code [rows, sequenceLength]}; a token counts where it is not 0
     * @return {@code [rows, dimension]}; a row without kept tokens is all 0 for mean and max
     */
    public static float[] pool(
            Pooling mode,
            boolean normalize,
            FloatBuffer tokenEmbeddings,
            long[] attentionMask,
            int rows,
            int sequenceLength,
            int dimension) {
        if (mode == Pooling.MEAN && normalize) {
            return MeanPooling.poolAndNormalize(tokenEmbeddings, attentionMask, rows, sequenceLength, dimension);
        }
        if (attentionMask.length != (long) rows * sequenceLength
                || tokenEmbeddings.remaining() != (long) rows * sequenceLength * dimension) {
            throw new IllegalArgumentException("pooling expects token embeddings of [" + rows + ", " + sequenceLength
                    + ", " + dimension + "] and a mask of [" + rows + ", " + sequenceLength + "]; got "
                    + tokenEmbeddings.remaining() + " values and a mask of " + attentionMask.length);
        }
        float[] pooled = new float[rows * dimension];
        float[] token = new float[dimension];
        int base = tokenEmbeddings.position();
        for (int row = 0; row < rows; row++) {
            int out = row * dimension;
            if (mode == Pooling.CLS) {
                tokenEmbeddings.get(base + row * sequenceLength * dimension, pooled, out, dimension);
            } else {
                int kept = 0;
                for (int t = 0; t < sequenceLength; t++) {
                    if (attentionMask[row * sequenceLength + t] == 0) continue;
                    tokenEmbeddings.get(base + (row * sequenceLength + t) * dimension, token, 0, dimension);
                    for (int d = 0; d < dimension; d++) {
                        pooled[out + d] = mode == Pooling.MAX
                                ? kept == 0 ? token[d] : Math.max(pooled[out + d], token[d])
                                : pooled[out + d] + token[d];
                    }
                    kept++;
                }
                if (mode == Pooling.MEAN && kept > 0) {
                    for (int d = 0; d < dimension; d++) pooled[out + d] /= kept;
                }
            }
            if (normalize) normalize(pooled, out, dimension);
        }
        return pooled;
    }

    private static void normalize(float[] vector, int from, int dimension) {
        double squares = 0;
        for (int d = 0; d < dimension; d++) squares += (double) vector[from + d] * vector[from + d];
        float inverseNorm = (float) (1 / Math.max(Math.sqrt(squares), MIN_NORM));
        for (int d = 0; d < dimension; d++) vector[from + d] *= inverseNorm;
    }
}
