package dev.skiff.gpu.repository;

import dev.skiff.gpu.batching.DynamicBatcher;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A model version as the pool serves it: its session instances (the first one stands for the
 * version in routing and metadata) and the batcher that feeds them.
 */
public final class ServedVersion {
    private final List<ModelVersion> instances;
    private final DynamicBatcher batcher;

    ServedVersion(List<ModelVersion> instances, DynamicBatcher batcher) {
        this.instances = List.copyOf(instances);
        this.batcher = batcher;
    }

    public ModelVersion primary() {
        return instances.get(0);
    }

    public DynamicBatcher batcher() {
        return batcher;
    }

    /** @return null once retired: the request belongs to this version's successor */
    public CompletableFuture<InferResponse> submit(InferRequest request) {
        return batcher.submit(request);
    }

    /** Stops taking requests, finishes the queued ones, then frees the sessions; false when time ran out first. */
    boolean retireAndClose(Duration timeout) {
        batcher.retire();
        boolean finished;
        try {
            finished = batcher.awaitStopped(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (finished) instances.forEach(ModelVersion::close); // else a worker may still be in a session: leave it
        return finished;
    }
}
