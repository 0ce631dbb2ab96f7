package dev.skiff.deployer.plan;

import static java.lang.String.format;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.model.ModelDirectory;
import dev.skiff.deployer.model.OnnxFileReader;
import dev.skiff.deployer.model.OnnxGraphSummary;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Decides, per model, Lambda or the GPU pool and the Lambda memory size, by the rules of
 * {@link Rule} in order. The config's hints come first, then Lambda's hard limits (package size,
 * memory), then the profiled latency scaled to each memory size against the objective and API
 * Gateway's timeout; what is left runs on Lambda at the cheapest memory size that meets them.
 */
public final class Planner {
    /** What the JVM, the runtime and ONNX Runtime take before any model, in a Lambda environment. */
    static final int BASE_MEMORY_MB = 192;
    /** Headroom over the measured need: the heap grows with request size, the GC wants slack. */
    static final double MEMORY_HEADROOM = 1.25;

    private final Function<ModelDirectory, Profile> profiler;
    private final LambdaLimits limits;
    private final LambdaPricing pricing;
    private final LatencyScaling scaling;
    private final long basePackageBytes;

    /**
     * @param basePackageBytes what a package holds besides models (lib/, ONNX Runtime, one architecture's natives)
     */
    public Planner(
            Function<ModelDirectory, Profile> profiler,
            LambdaLimits limits,
            LambdaPricing pricing,
            LatencyScaling scaling,
            long basePackageBytes) {
        this.profiler = profiler;
        this.limits = limits;
        this.pricing = pricing;
        this.scaling = scaling;
        this.basePackageBytes = basePackageBytes;
    }

    public ModelPlan plan(ModelDirectory model) {
        ModelConfig config = model.config();
        long fileBytes = size(model.latestModelFile());
        OnnxGraphSummary graph;
        try {
            graph = OnnxFileReader.read(model.latestModelFile());
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
        long packageBytes = basePackageBytes + modelBytesInPackage(model);
        int memoryFromFile = requiredMemoryMb(0, fileBytes);
        List<Reason> reasons = new ArrayList<>();

        // 1. the config's hints
        if (config.gpu() == ModelConfig.Gpu.REQUIRED) {
            reasons.add(new Reason(Rule.GPU_REQUIRED, "config.json says \"gpu\": \"required\"; Lambda has no GPU"));
            if (config.target() == Target.LAMBDA) {
                reasons.add(new Reason(
                        Rule.OVERRIDDEN, "\"target\": \"lambda\" cannot be honoured: the model needs a GPU"));
            }
            return gpu(model, fileBytes, graph, null, packageBytes, memoryFromFile, reasons);
        }
        if (config.target() == Target.GPU_POOL) {
            reasons.add(new Reason(Rule.CONFIG_TARGET, "config.json says \"target\": \"gpu\""));
            return gpu(model, fileBytes, graph, null, packageBytes, memoryFromFile, reasons);
        }
        boolean lambdaForced = config.target() == Target.LAMBDA;
        if (lambdaForced) reasons.add(new Reason(Rule.CONFIG_TARGET, "config.json says \"target\": \"lambda\""));

        // 2. Lambda's hard limits: nothing can override them
        if (packageBytes > limits.imageBytes()) {
            reasons.add(new Reason(
                    Rule.IMAGE_SIZE,
                    format(
                            "the package would hold %s, over Lambda's %s image limit",
                            mb(packageBytes), mb(limits.imageBytes()))));
            return gpu(model, fileBytes, graph, null, packageBytes, memoryFromFile, reasons);
        }
        PackageType packageType = PackageType.ZIP;
        if (packageBytes > limits.zipUnzippedBytes()) {
            packageType = PackageType.IMAGE;
            reasons.add(new Reason(
                    Rule.ZIP_SIZE,
                    format(
                            "the package would hold %s unzipped, over the %s .zip limit; "
                                    + "it ships as a container image (limit %s)",
                            mb(packageBytes), mb(limits.zipUnzippedBytes()), mb(limits.imageBytes()))));
        }
        if (memoryFromFile > limits.maxMemoryMb()) {
            reasons.add(new Reason(
                    Rule.MEMORY_LIMIT,
                    format(
                            "a %s model needs about %,d MB, over Lambda's %,d MB",
                            mb(fileBytes), memoryFromFile, limits.maxMemoryMb())));
            return gpu(model, fileBytes, graph, null, packageBytes, memoryFromFile, reasons);
        }

        Profile profile = profiler.apply(model);
        int requiredMb = requiredMemoryMb(profile.memoryGrowthMb(), fileBytes);
        if (requiredMb > limits.maxMemoryMb()) {
            reasons.add(new Reason(
                    Rule.MEMORY_LIMIT,
                    format(
                            "loading and running it grew memory by %,.0f MB: it needs "
                                    + "about %,d MB, over Lambda's %,d MB",
                            profile.memoryGrowthMb(), requiredMb, limits.maxMemoryMb())));
            return gpu(model, fileBytes, graph, profile, packageBytes, requiredMb, reasons);
        }

        // 3. latency, scaled to each memory size
        List<MemoryOption> options = options(profile, config.latencyObjectiveMs(), requiredMb);
        MemoryOption chosen;
        if (config.memoryMb() != null) {
            chosen = option(profile, config.latencyObjectiveMs(), config.memoryMb());
            reasons.add(new Reason(
                    Rule.CONFIG_MEMORY,
                    format(
                            "config.json fixes \"memoryMb\": %,d%s",
                            config.memoryMb(),
                            config.memoryMb() < requiredMb
                                    ? format(" (below the %,d MB the model is estimated to need)", requiredMb)
                                    : "")));
        } else {
            chosen = options.stream()
                    .filter(MemoryOption::acceptable)
                    .min(Comparator.comparingDouble(MemoryOption::costPerMillion)
                            .thenComparingDouble(MemoryOption::p99BatchOneMs))
                    .orElse(
                            options.isEmpty()
                                    ? option(profile, config.latencyObjectiveMs(), limits.maxMemoryMb())
                                    : options.getLast());
        }
        String objective = config.latencyObjectiveMs() == null ? "" : format("%,d ms", config.latencyObjectiveMs());
        Reason latencyMiss = null;
        if (!chosen.meetsObjective()) {
            MemoryOption alternative = options.stream()
                    .filter(MemoryOption::acceptable)
                    .findFirst()
                    .orElse(null);
            latencyMiss = new Reason(
                    Rule.LATENCY_OBJECTIVE,
                    format(
                            "p99 of a one-row request scaled to %,d MB is %s, over " + "the objective %s%s",
                            chosen.memoryMb(),
                            ms(chosen.p99BatchOneMs()),
                            objective,
                            alternative == null
                                    ? " at every memory size up to " + format("%,d MB", limits.maxMemoryMb())
                                    : format(
                                            "; %,d MB would meet it: raise or remove \"memoryMb\"",
                                            alternative.memoryMb())));
        } else if (!chosen.withinApiGatewayTimeout()) {
            latencyMiss = new Reason(
                    Rule.API_GATEWAY_TIMEOUT,
                    format(
                            "p99 of a %d-row request scaled to %,d MB is %s, "
                                    + "over API Gateway's %s integration timeout",
                            profile.maxBatch().rows(),
                            chosen.memoryMb(),
                            ms(chosen.p99MaxBatchMs()),
                            ms(limits.apiGatewayTimeoutMs())));
        }
        if (latencyMiss != null) {
            reasons.add(latencyMiss);
            if (!lambdaForced && config.gpu() != ModelConfig.Gpu.NONE) {
                return gpu(model, fileBytes, graph, profile, packageBytes, requiredMb, reasons);
            }
            reasons.add(new Reason(
                    Rule.OVERRIDDEN,
                    lambdaForced
                            ? "kept on Lambda because config.json says \"target\": "
                                    + "\"lambda\"; expect the objective to be missed"
                            : "kept on Lambda because config.json says \"gpu\": "
                                    + "\"none\"; expect the objective to be missed"));
        } else if (config.memoryMb() == null) {
            long meeting = options.stream().filter(MemoryOption::acceptable).count();
            reasons.add(new Reason(
                    Rule.CHEAPEST_MEMORY,
                    format(
                            "%,d MB: p99 %s for one row%s, %s for %d rows, "
                                    + "$%.4f per million requests; the cheapest of %d sizes that meet %s",
                            chosen.memoryMb(),
                            ms(chosen.p99BatchOneMs()),
                            objective.isEmpty() ? "" : " (objective " + objective + ")",
                            ms(chosen.p99MaxBatchMs()),
                            profile.maxBatch().rows(),
                            chosen.costPerMillion(),
                            meeting,
                            objective.isEmpty() ? "API Gateway's 30 s" : "the objective and API Gateway's 30 s")));
        }
        return new ModelPlan(
                model,
                fileBytes,
                graph,
                profile,
                packageBytes,
                requiredMb,
                Target.LAMBDA,
                packageType,
                chosen.memoryMb(),
                chosen,
                options,
                List.copyOf(reasons),
                pricing);
    }

    private ModelPlan gpu(
            ModelDirectory model,
            long fileBytes,
            OnnxGraphSummary graph,
            Profile profile,
            long packageBytes,
            int requiredMb,
            List<Reason> reasons) {
        List<MemoryOption> options =
                profile == null ? List.of() : options(profile, model.config().latencyObjectiveMs(), requiredMb);
        return new ModelPlan(
                model,
                fileBytes,
                graph,
                profile,
                packageBytes,
                requiredMb,
                Target.GPU_POOL,
                null,
                null,
                null,
                options,
                List.copyOf(reasons),
                pricing);
    }

    private List<MemoryOption> options(Profile profile, Integer objectiveMs, int requiredMb) {
        List<MemoryOption> options = new ArrayList<>();
        for (int memoryMb : limits.candidateMemoryMb()) {
            if (memoryMb >= requiredMb && memoryMb <= limits.maxMemoryMb())
                options.add(option(profile, objectiveMs, memoryMb));
        }
        return options;
    }

    MemoryOption option(Profile profile, Integer objectiveMs, int memoryMb) {
        double p50 = scaling.scale(profile.batchOne().p50Ms(), memoryMb, profile.parallelBatchOne());
        double p99 = scaling.scale(profile.batchOne().p99Ms(), memoryMb, profile.parallelBatchOne());
        double p99Max = scaling.scale(profile.maxBatch().p99Ms(), memoryMb, profile.parallelMaxBatch());
        return new MemoryOption(
                memoryMb,
                LatencyScaling.vcpus(memoryMb),
                p50,
                p99,
                p99Max,
                pricing.costPerMillion(memoryMb, p50),
                objectiveMs == null || p99 <= objectiveMs,
                p99Max < limits.apiGatewayTimeoutMs());
    }

    /** The runtime's base plus what the model measured (or, unmeasured, twice its file: weights and the optimized copy). */
    static int requiredMemoryMb(double measuredGrowthMb, long modelFileBytes) {
        double modelMb = Math.max(measuredGrowthMb, 2.0 * modelFileBytes / LambdaLimits.MB);
        return (int) Math.ceil(BASE_MEMORY_MB + MEMORY_HEADROOM * modelMb);
    }

    /** Every version's files, plus an optimized model of about the same size as each model.onnx. */
    static long modelBytesInPackage(ModelDirectory model) {
        long total = size(model.directory().resolve(ModelConfig.FILE_NAME));
        for (String version : model.versions()) {
            try (Stream<Path> files = Files.list(model.versionDirectory(version))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String name = file.getFileName().toString();
                    if (name.equals("model.optimized.onnx")) continue; // rewritten at package time
                    total += size(file) * (name.equals("model.onnx") ? 2 : 1);
                }
            } catch (IOException e) {
                throw new UserError("cannot list " + model.versionDirectory(version) + ": " + e.getMessage());
            }
        }
        return total;
    }

    private static long size(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
    }

    static String mb(long bytes) {
        return bytes >= 10 * LambdaLimits.MB
                ? format("%,d MB", Math.round(bytes / (double) LambdaLimits.MB))
                : format("%.1f MB", bytes / (double) LambdaLimits.MB);
    }

    static String ms(double ms) {
        return ms >= 100 ? format("%,.0f ms", ms) : format("%.2f ms", ms);
    }
}
