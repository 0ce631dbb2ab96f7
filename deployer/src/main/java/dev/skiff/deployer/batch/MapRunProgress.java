package dev.skiff.deployer.batch;

import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;
import software.amazon.awssdk.services.sfn.model.MapRunItemCounts;

import java.time.Instant;

/** DescribeMapRun's item counts as a progress line: done is every item that finished, one way or another. */
public final class MapRunProgress {
    private MapRunProgress() {}

    public static Progress of(DescribeMapRunResponse mapRun, Instant now) {
        MapRunItemCounts counts = mapRun.itemCounts();
        long failed = counts.failed() + counts.timedOut() + counts.aborted();
        long done = counts.succeeded() + failed;
        long elapsed = mapRun.startDate() == null
                ? 0
                : Math.max(0, now.toEpochMilli() - mapRun.startDate().toEpochMilli());
        return new Progress(done, failed, counts.total(), elapsed);
    }
}
