package dev.skiff.gpu.batching;

/** How many rows the next merged run may take; told what each run cost, it may learn. */
interface RowLimit {
    long rows();

    /** A run of {@code rows} rows took {@code nanos}. */
    default void ran(long rows, long nanos) {}

    /** Always the same limit (batching.adaptiveBatchSize false: maxBatchSize). */
    static RowLimit fixed(long rows) {
        return new RowLimit() {
            @Override
            public long rows() {
                return rows;
            }

            @Override
            public String toString() {
                return "up to " + rows + " rows";
            }
        };
    }
}
