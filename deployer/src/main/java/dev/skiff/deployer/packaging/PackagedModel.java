package dev.skiff.deployer.packaging;

import dev.skiff.deployer.plan.BatchPlan;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code skiff package} built for one model, as package.json records it for deploy.
 *
 * @param target        where it runs
 * @param packageType   "zip", "image" (a Lambda container image's build context) or "pool-image"
 * @param artifact      the .zip, or the image build context directory
 * @param sha256        hex SHA-256 of the .zip; null for build contexts
 * @param zippedBytes   the .zip's size; 0 for build contexts
 * @param memoryMb      the Lambda memory size; null for the GPU pool
 * @param timeoutSeconds the Lambda timeout from the plan; null for the GPU pool (or a package.json from before)
 * @param latencyAlarmMs the p99 duration that rolls a deploy back; null for the GPU pool (or a package.json from before)
 * @param batch         the plan's batching for its batch state machine; null when the model takes no batch jobs
 * @param capture       its config's capture section, which ships its captures to S3 and checks them for drift;
 *                      null when it captures nothing
 */
public record PackagedModel(
        String name,
        Target target,
        String packageType,
        String architecture,
        Path artifact,
        String sha256,
        long unzippedBytes,
        long zippedBytes,
        Integer memoryMb,
        List<String> versions,
        Integer timeoutSeconds,
        Integer latencyAlarmMs,
        BatchPlan batch,
        ModelConfig.Capture capture) {
    public PackagedModel {
        if (capture != null && !capture.on()) capture = null;
    }

    /** A model that takes no batch jobs and captures nothing. */
    public PackagedModel(
            String name,
            Target target,
            String packageType,
            String architecture,
            Path artifact,
            String sha256,
            long unzippedBytes,
            long zippedBytes,
            Integer memoryMb,
            List<String> versions,
            Integer timeoutSeconds,
            Integer latencyAlarmMs) {
        this(
                name,
                target,
                packageType,
                architecture,
                artifact,
                sha256,
                unzippedBytes,
                zippedBytes,
                memoryMb,
                versions,
                timeoutSeconds,
                latencyAlarmMs,
                null,
                null);
    }

    public boolean isLambdaZip() {
        return target == Target.LAMBDA && "zip".equals(packageType);
    }
}
