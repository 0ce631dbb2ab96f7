package dev.skiff.deployer.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.model.ModelDirectories;
import dev.skiff.deployer.model.ModelDirectory;
import dev.skiff.deployer.packaging.Architecture;
import dev.skiff.deployer.packaging.FunctionRuntimeFiles;
import dev.skiff.deployer.testing.Examples;
import dev.skiff.deployer.testing.GeneratedModels;
import dev.skiff.runtime.contract.Target;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

/** Each rule of the plan fires on a model made to trip it, and the examples land where their configs say. */
class PlannerTest {
    /** Few runs: the rules need the order of magnitude, and the machine is shared. */
    static final ProfileSettings QUICK = new ProfileSettings(2, 5, 1.0);

    static long basePackageBytes;

    @TempDir
    Path dir;

    @BeforeAll
    static void measureBase() {
        basePackageBytes = FunctionRuntimeFiles.locate().unzippedBaseBytes(Architecture.ARM64);
    }

    static Planner planner(LambdaLimits limits) {
        Profiler profiler = new Profiler(QUICK, line -> {});
        return new Planner(profiler::profile, limits, LambdaPricing.arm64(), new LatencyScaling(1.0), basePackageBytes);
    }

    @Test
    void examplesRunOnLambdaAtTheirConfiguredMemory() {
        List<ModelDirectory> models = ModelDirectories.find(List.of(Examples.models()));
        List<ModelPlan> plans =
                models.stream().map(planner(LambdaLimits.aws())::plan).toList();
        for (ModelPlan plan : plans) {
            ModelDirectory model = plan.model();
            assertEquals(Target.LAMBDA, plan.target(), plan.name() + ": " + plan.reasons());
            assertEquals(PackageType.ZIP, plan.packageType());
            assertEquals(model.config().memoryMb(), plan.memoryMb());
            assertTrue(plan.fired(Rule.CONFIG_MEMORY), plan.reasons().toString());
            assertNotNull(plan.profile());
            assertTrue(plan.chosen().costPerMillion() > 0.20, "requests alone cost $0.20 per million");
        }
        StringWriter text = new StringWriter();
        PlanReport.printText(plans, QUICK, new PrintWriter(text));
        assertTrue(text.toString().contains("fraud -> lambda at 512 MB"), text.toString());
        assertTrue(text.toString().contains("$/1M REQ"), text.toString());
    }

    @Test
    void gpuRequiredGoesToThePoolWithoutProfiling() throws Exception {
        Path model = GeneratedModels.identity(dir, "needs-gpu", "{\"gpu\": \"required\"}");
        ModelPlan plan = planner(LambdaLimits.aws()).plan(ModelDirectories.read(model));
        assertEquals(Target.GPU_POOL, plan.target());
        assertTrue(plan.fired(Rule.GPU_REQUIRED), plan.reasons().toString());
        assertNull(plan.profile(), "a rule decided before profiling");
    }

    @Test
    void packageOverTheZipLimitShipsAsAnImage() throws Exception {
        Path model = GeneratedModels.heavyWeights(
                dir, "heavy", 256 * 1024, "{\"maxBatchSize\": 1}"); // 1 MB of weights, 2 MB with its optimized copy
        LambdaLimits limits =
                LambdaLimits.aws().withPackageLimits(basePackageBytes + LambdaLimits.MB, 10L * 1024 * LambdaLimits.MB);
        ModelPlan plan = planner(limits).plan(ModelDirectories.read(model));
        assertEquals(Target.LAMBDA, plan.target(), plan.reasons().toString());
        assertEquals(PackageType.IMAGE, plan.packageType());
        assertTrue(plan.fired(Rule.ZIP_SIZE), plan.reasons().toString());
    }

    @Test
    void packageOverTheImageLimitGoesToThePool() throws Exception {
        Path model = GeneratedModels.heavyWeights(dir, "huge", 256 * 1024, "{\"maxBatchSize\": 1}");
        LambdaLimits limits =
                LambdaLimits.aws().withPackageLimits(basePackageBytes, basePackageBytes + LambdaLimits.MB);
        ModelPlan plan = planner(limits).plan(ModelDirectories.read(model));
        assertEquals(Target.GPU_POOL, plan.target());
        assertTrue(plan.fired(Rule.IMAGE_SIZE), plan.reasons().toString());
        assertTrue(
                plan.reasons().getFirst().detail().contains("image limit"),
                plan.reasons().toString());
    }

    @Test
    void modelTooSlowForATightObjectiveGoesToThePool() throws Exception {
        Path model = GeneratedModels.slowMatMulChain(dir, "slow", "{\"latencyObjectiveMs\": 2, \"maxBatchSize\": 2}");
        ModelPlan plan = planner(LambdaLimits.aws()).plan(ModelDirectories.read(model));
        assertEquals(Target.GPU_POOL, plan.target(), plan.reasons().toString());
        assertTrue(plan.fired(Rule.LATENCY_OBJECTIVE), plan.reasons().toString());
        assertTrue(plan.options().stream().noneMatch(MemoryOption::meetsObjective), "no memory size meets 2 ms");
    }

    @Test
    void withoutHintsTheCheapestMemoryThatMeetsTheObjectiveWins() throws Exception {
        Path model = GeneratedModels.identity(dir, "small", "{\"latencyObjectiveMs\": 1000}");
        ModelPlan plan = planner(LambdaLimits.aws()).plan(ModelDirectories.read(model));
        assertEquals(Target.LAMBDA, plan.target());
        assertTrue(plan.fired(Rule.CHEAPEST_MEMORY), plan.reasons().toString());
        double cheapest = plan.options().stream()
                .filter(MemoryOption::acceptable)
                .mapToDouble(MemoryOption::costPerMillion)
                .min()
                .orElseThrow();
        assertEquals(cheapest, plan.chosen().costPerMillion(), 1e-9);
        assertTrue(plan.memoryMb() >= plan.requiredMemoryMb());
    }

    @Test
    void scalingGivesAShareOfOneVcpuBelow1769MbAndAmdahlAbove() {
        LatencyScaling scaling = new LatencyScaling(1.0);
        assertEquals(10.0, scaling.scale(10, 1769, 0.5), 1e-9);
        assertEquals(20.0, scaling.scale(10, 1769 / 2, 0.5), 0.1);
        assertEquals(10 * (0.5 + 0.5 / 2), scaling.scale(10, 3538, 0.5), 1e-9);
        assertEquals(10.0, scaling.scale(10, 10240, 0), 1e-9);
    }

    @Test
    void costPerMillionFollowsMemoryAndBilledMilliseconds() {
        LambdaPricing arm = LambdaPricing.arm64();
        // 1 GB for 100 ms is 0.1 GB-s per request
        assertEquals(1_000_000 * 0.1 * 0.0000133334 + 0.20, arm.costPerMillion(1024, 99.2), 1e-9);
    }
}
