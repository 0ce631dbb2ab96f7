package dev.skiff.gpu.batching;

import java.util.Collection;
import java.util.List;

/** Batching off (or a version whose requests cannot share a run): the oldest request runs alone, at once. */
final class OneRequestPerRun implements Scheduler {
    @Override
    public Decision next(Collection<Queued> queue, long nowNanos) {
        return Decision.run(List.of(queue.iterator().next()));
    }

    @Override
    public String toString() {
        return "one request per run";
    }
}
