package dev.skiff.deployer.template;

import dev.skiff.deployer.plan.BatchPlan;
import dev.skiff.runtime.contract.Target;

import java.util.List;
import java.util.Objects;

/**
 * A model as the template needs it: where it may run and, for Lambda, how its function is set up.
 *
 * @param lambda   its function, or null when it runs only on the GPU pool
 * @param gpuPool  whether the GPU pool can serve it (its image carries the model)
 * @param planned  where the plan put it: with both targets, the default of its Target parameter
 * @param batch    its Distributed Map state machine for skiff batch, or null when its config takes no batch jobs
 * @param drift    its capture pipeline and scheduled drift function, or null when its config captures nothing
 */
public record TemplateModel(
        String name,
        List<String> versions,
        LambdaFunction lambda,
        boolean gpuPool,
        Target planned,
        Batch batch,
        DriftMonitor drift) {

    /**
     * Capture on: the function's capture lines go by its own subscription and Firehose stream to the
     * monitoring bucket, the GPU pool's by the pool's one subscription and stream, and a drift function on
     * a schedule checks them against the model's baseline.
     *
     * @param codeUri where the drift function's code is (monitoring/target/lambda, or its zip in S3)
     */
    public record DriftMonitor(String codeUri) {
        public DriftMonitor {
            Objects.requireNonNull(codeUri, "codeUri");
        }
    }

    /** A batch state machine over the model's live alias, batching and running child executions as planned. */
    public record Batch(BatchPlan plan) {
        public Batch {
            Objects.requireNonNull(plan, "plan");
        }

        /** The default batching with this many child executions at once. */
        public Batch(int maxConcurrency) {
            this(new BatchPlan(
                    BatchPlan.DEFAULT_MAX_ITEMS_PER_BATCH, BatchPlan.MAX_INPUT_BYTES_PER_BATCH, maxConcurrency));
        }
    }

    /**
     * @param codeUri        where the function's code is: an s3:// URI for AWS, a local path for the emulator
     * @param latencyAlarmMs the p99 duration above which a deploy of a new version rolls back
     * @param extraAliases   aliases besides live that get their own route, each on the newest deployed version
     * @param versionKey     SAM's AutoPublishCodeSha256: a hash of everything a new version must follow (code,
     *     runtime, architecture, memory, timeout), or null to let SAM hash code, environment and memory only
     */
    public record LambdaFunction(
            String codeUri,
            int memoryMb,
            int timeoutSeconds,
            int latencyAlarmMs,
            List<String> extraAliases,
            String versionKey) {
        public LambdaFunction(
                String codeUri, int memoryMb, int timeoutSeconds, int latencyAlarmMs, List<String> extraAliases) {
            this(codeUri, memoryMb, timeoutSeconds, latencyAlarmMs, extraAliases, null);
        }

        /** The same function with SAM's AutoPublishCodeSha256 set. */
        public LambdaFunction withVersionKey(String key) {
            return new LambdaFunction(codeUri, memoryMb, timeoutSeconds, latencyAlarmMs, extraAliases, key);
        }

        public LambdaFunction {
            extraAliases = List.copyOf(extraAliases);
            if (extraAliases.contains("live"))
                throw new IllegalArgumentException("live is every function's alias already");
        }
    }

    public TemplateModel {
        versions = List.copyOf(versions);
        if (lambda == null && !gpuPool) throw new IllegalArgumentException("model " + name + " runs nowhere");
        Objects.requireNonNull(planned, "planned");
        if (planned == Target.LAMBDA ? lambda == null : !gpuPool) {
            throw new IllegalArgumentException("model " + name + " is planned on " + planned + ", where it cannot run");
        }
    }

    /** The same model with a batch state machine. */
    public TemplateModel withBatch(Batch batch) {
        return new TemplateModel(name, versions, lambda, gpuPool, planned, batch, drift);
    }

    /** The same model with capture shipped to S3 and checked for drift on a schedule. */
    public TemplateModel withDriftMonitor(DriftMonitor drift) {
        return new TemplateModel(name, versions, lambda, gpuPool, planned, batch, drift);
    }

    public static TemplateModel onLambda(String name, List<String> versions, LambdaFunction lambda) {
        return new TemplateModel(name, versions, lambda, false, Target.LAMBDA, null, null);
    }

    public static TemplateModel onGpuPool(String name, List<String> versions) {
        return new TemplateModel(name, versions, null, true, Target.GPU_POOL, null, null);
    }

    /** Either target, chosen at deploy time by the model's Target parameter; {@code planned} is its default. */
    public static TemplateModel onEither(String name, List<String> versions, LambdaFunction lambda, Target planned) {
        return new TemplateModel(name, versions, lambda, true, planned, null, null);
    }

    public boolean switchable() {
        return lambda != null && gpuPool;
    }

    /** A CloudFormation logical id from a model name: letters and digits only, "text-embed_2" -> "TextEmbed2". */
    public String logicalId() {
        return logicalId(name);
    }

    public static String logicalId(String name) {
        StringBuilder id = new StringBuilder();
        boolean upper = true;
        for (char c : name.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128) {
                id.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        if (id.isEmpty() || !Character.isLetter(id.charAt(0))) id.insert(0, "Model");
        return id.toString();
    }
}
