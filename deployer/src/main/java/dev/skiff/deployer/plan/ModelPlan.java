package dev.skiff.deployer.plan;

import dev.skiff.deployer.model.ModelDirectory;
import dev.skiff.deployer.model.OnnxGraphSummary;
import dev.skiff.runtime.contract.Target;

import java.util.List;

/**
 * The plan for one model: what it is, how it measured, where it runs and why.
 *
 * @param profile        null when a rule decided before profiling was needed (gpu: required, too big)
 * @param packageType    null for the GPU pool
 * @param memoryMb       the Lambda memory size, null for the GPU pool
 * @param chosen         the chosen memory size's figures, null for the GPU pool
 * @param options        every memory size tried, for the table
 */
public record ModelPlan(
        ModelDirectory model,
        long modelFileBytes,
        OnnxGraphSummary graph,
        Profile profile,
        long estimatedPackageBytes,
        int requiredMemoryMb,
        Target target,
        PackageType packageType,
        Integer memoryMb,
        MemoryOption chosen,
        List<MemoryOption> options,
        List<Reason> reasons,
        LambdaPricing pricing) {

    public String name() {
        return model.name();
    }

    public boolean fired(Rule rule) {
        return reasons.stream().anyMatch(r -> r.rule() == rule);
    }

    /**
     * The Lambda timeout: three times the p99 of a max-batch request at the chosen memory size, at
     * least 3 s, and at most API Gateway's 30 s, past which no caller is waiting.
     */
    public Integer timeoutSeconds() {
        if (target != Target.LAMBDA) return null;
        if (chosen == null) return 30;
        return (int) Math.max(3, Math.min(30, Math.ceil(3 * chosen.p99MaxBatchMs() / 1000)));
    }

    /** How its Distributed Map batches items, for a model on Lambda whose config takes batch jobs; else null. */
    public BatchPlan batch() {
        return BatchPlan.of(this);
    }

    /** The p99 duration that rolls a deploy back: the config's objective, else 80% of the timeout. */
    public Integer latencyAlarmMs() {
        if (target != Target.LAMBDA) return null;
        Integer objective = model.config().latencyObjectiveMs();
        return objective != null ? objective : timeoutSeconds() * 800;
    }
}
