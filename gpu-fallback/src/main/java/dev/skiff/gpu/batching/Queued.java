package dev.skiff.gpu.batching;

import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;

import java.util.concurrent.CompletableFuture;

/**
 * A request waiting in its version's queue; compared by identity, as the queue removes exactly
 * the ones a batch takes.
 */
final class Queued {
    final InferRequest request;
    /** What it brings to a batch; null when it must run alone. */
    final RowBatch.Shape shape;

    final long enqueuedNanos;
    final CompletableFuture<InferResponse> answer = new CompletableFuture<>();

    Queued(InferRequest request, RowBatch.Shape shape, long enqueuedNanos) {
        this.request = request;
        this.shape = shape;
        this.enqueuedNanos = enqueuedNanos;
    }

    long rows() {
        return shape == null ? 1 : shape.rows();
    }
}
