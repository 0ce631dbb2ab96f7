package dev.skiff.deployer.plan;

import dev.skiff.deployer.model.ModelDirectory;
import dev.skiff.deployer.model.OnnxGraphSummary;

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
public record ModelPlan(ModelDirectory model, long modelFileBytes, OnnxGraphSummary graph, Profile profile,
                        long estimatedPackageBytes, int requiredMemoryMb, Target target, PackageType packageType,
                        Integer memoryMb, MemoryOption chosen, List<MemoryOption> options, List<Reason> reasons,
                        LambdaPricing pricing) {

    public String name() {
        return model.name();
    }

    public boolean fired(Rule rule) {
        return reasons.stream().anyMatch(r -> r.rule() == rule);
    }
}
