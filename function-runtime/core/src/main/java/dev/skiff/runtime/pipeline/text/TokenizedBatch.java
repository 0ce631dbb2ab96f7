package dev.skiff.runtime.pipeline.text;

/**
 * Texts encoded for a BERT model: three int64 tensors of shape {@code [rows, sequenceLength]}, flat and
 * row-major as ONNX Runtime takes them, each row padded to the longest one.
 *
 * @param rows           the number of texts
 * @param sequenceLength tokens per row, [CLS] and [SEP] included; the longest row sets it
 * @param inputIds       token ids, then the pad id
 * @param attentionMask  1 for a token, 0 for padding
 * @param tokenTypeIds   the post-processor's type ids, then the pad type id
 */
public record TokenizedBatch(int rows, int sequenceLength, long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {

    public TokenizedBatch {
        long cells = (long) rows * sequenceLength;
        if (rows < 0
                || sequenceLength < 0
                || inputIds.length != cells
                || attentionMask.length != cells
                || tokenTypeIds.length != cells) {
            throw new IllegalArgumentException(
                    "a batch of " + rows + " x " + sequenceLength + " needs arrays of " + cells + " elements");
        }
    }

    /** The shape of each of the three tensors: {@code [rows, sequenceLength]}. */
    public long[] shape() {
        return new long[] {rows, sequenceLength};
    }
}
