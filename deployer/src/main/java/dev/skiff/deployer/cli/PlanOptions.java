package dev.skiff.deployer.cli;

import dev.skiff.deployer.model.ModelDirectories;
import dev.skiff.deployer.model.ModelDirectory;
import dev.skiff.deployer.packaging.Architecture;
import dev.skiff.deployer.packaging.FunctionRuntimeFiles;
import dev.skiff.deployer.plan.LambdaLimits;
import dev.skiff.deployer.plan.LambdaPricing;
import dev.skiff.deployer.plan.LatencyScaling;
import dev.skiff.deployer.plan.ModelPlan;
import dev.skiff.deployer.plan.Planner;
import dev.skiff.deployer.plan.ProfileSettings;
import dev.skiff.deployer.plan.Profiler;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What plan, package and deploy share: which models, which architecture, how to profile and price. */
public final class PlanOptions {
    @Parameters(
            arity = "0..*",
            paramLabel = "MODEL_DIR",
            description = "model directories (<name>/<version>/model.onnx) or repositories of them (default: models)")
    List<Path> modelDirs = new ArrayList<>();

    @Option(
            names = "--arch",
            defaultValue = "arm64",
            converter = ArchitectureConverter.class,
            description = "Lambda architecture: arm64 or x86_64 (default: ${DEFAULT-VALUE})")
    Architecture architecture = Architecture.ARM64;

    @Option(
            names = "--runs",
            defaultValue = "20",
            description = "timed runs per request shape (default: ${DEFAULT-VALUE})")
    int runs = 20;

    @Option(
            names = "--warmup",
            defaultValue = "10",
            description = "untimed runs first, for the JIT (default: ${DEFAULT-VALUE})")
    int warmup = 10;

    @Option(
            names = "--cpu-factor",
            defaultValue = "1.0",
            description = "how much slower a Lambda vCPU is than one core here (default: ${DEFAULT-VALUE})")
    double cpuFactor = 1.0;

    @Option(
            names = "--price-gb-second",
            description = "Lambda price per GB-second (default: the architecture's list price)")
    Double pricePerGbSecond;

    @Option(names = "--price-per-million-requests", description = "Lambda price per million requests (default: 0.20)")
    Double pricePerMillionRequests;

    /** What deploy --local plans with: these directories, packaged for this machine, profiled as plan does. */
    static PlanOptions forThisMachine(List<Path> modelDirs) {
        PlanOptions options = new PlanOptions();
        options.modelDirs = new ArrayList<>(modelDirs);
        options.architecture = Architecture.ofThisMachine();
        return options;
    }

    public List<ModelDirectory> models() {
        return ModelDirectories.find(modelDirs.isEmpty() ? List.of(Path.of("models")) : modelDirs);
    }

    public ProfileSettings profileSettings() {
        if (runs < 1 || warmup < 0) throw new UserError("--runs must be at least 1 and --warmup at least 0");
        return new ProfileSettings(warmup, runs, cpuFactor);
    }

    public Architecture architecture() {
        return architecture;
    }

    public LambdaPricing pricing() {
        LambdaPricing base = architecture == Architecture.ARM64 ? LambdaPricing.arm64() : LambdaPricing.x86_64();
        if (pricePerGbSecond == null && pricePerMillionRequests == null) return base;
        return new LambdaPricing(
                base.architecture(),
                pricePerGbSecond == null ? base.perGbSecond() : pricePerGbSecond,
                pricePerMillionRequests == null ? base.perMillionRequests() : pricePerMillionRequests,
                "given on the command line");
    }

    /** Plans every model, reporting each step on {@code progress} (stderr, so --json output stays clean). */
    public List<ModelPlan> plan(PrintWriter progress) {
        return plan(models(), LambdaLimits.aws(), progress);
    }

    public List<ModelPlan> plan(List<ModelDirectory> models, LambdaLimits limits, PrintWriter progress) {
        ProfileSettings settings = profileSettings();
        Profiler profiler = new Profiler(settings, line -> progress.println("plan: " + line));
        Planner planner = new Planner(
                profiler::profile,
                limits,
                pricing(),
                new LatencyScaling(settings.cpuFactor()),
                FunctionRuntimeFiles.locate().unzippedBaseBytes(architecture));
        List<ModelPlan> plans = new ArrayList<>();
        for (ModelDirectory model : models) {
            progress.println("plan: " + model.name() + " (" + model.directory() + ")");
            plans.add(planner.plan(model));
        }
        return plans;
    }

    static final class ArchitectureConverter implements picocli.CommandLine.ITypeConverter<Architecture> {
        @Override
        public Architecture convert(String value) {
            return Architecture.parse(value);
        }
    }
}
