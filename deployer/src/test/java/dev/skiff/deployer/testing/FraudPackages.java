package dev.skiff.deployer.testing;

import dev.skiff.deployer.model.ModelDirectories;
import dev.skiff.deployer.packaging.Architecture;
import dev.skiff.deployer.packaging.FunctionRuntimeFiles;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.packaging.Packager;
import dev.skiff.deployer.plan.LambdaLimits;
import dev.skiff.deployer.plan.LambdaPricing;
import dev.skiff.deployer.plan.LatencyScaling;
import dev.skiff.deployer.plan.ModelPlan;
import dev.skiff.deployer.plan.Planner;
import dev.skiff.deployer.plan.ProfileSettings;
import dev.skiff.deployer.plan.Profiler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The fraud example packaged once per test JVM and architecture: planning and optimizing take seconds. */
public final class FraudPackages {
    private static final Map<Architecture, PackageManifest> BUILT = new EnumMap<>(Architecture.class);

    private FraudPackages() {}

    public static synchronized PackageManifest of(Architecture architecture) {
        return BUILT.computeIfAbsent(architecture, arch -> {
            try {
                Path out = Files.createTempDirectory("skiff-package-" + arch.lambdaName);
                ModelPlan plan = planner(arch)
                        .plan(ModelDirectories.read(Examples.models().resolve("fraud")));
                return new Packager(FunctionRuntimeFiles.locate(), arch, line -> {}).packageAll(List.of(plan), out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Planner planner(Architecture architecture) {
        ProfileSettings quick = new ProfileSettings(1, 3, 1.0);
        return new Planner(
                new Profiler(quick, line -> {})::profile,
                LambdaLimits.aws(),
                LambdaPricing.arm64(),
                new LatencyScaling(1.0),
                FunctionRuntimeFiles.locate().unzippedBaseBytes(architecture));
    }
}
