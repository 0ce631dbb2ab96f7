package dev.skiff.deployer.cli;

import dev.skiff.deployer.packaging.FunctionRuntimeFiles;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.packaging.PackageReport;
import dev.skiff.deployer.packaging.Packager;
import dev.skiff.deployer.plan.LambdaLimits;
import dev.skiff.deployer.plan.ModelPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code skiff package}: plans, then builds each target's artifact and reports its size against Lambda's limits. */
@Command(
        name = "package",
        mixinStandardHelpOptions = true,
        description = {
            "Plan the models, then build what each target needs: a Lambda .zip holding the function, the "
                    + "model, its optimized form and only the chosen architecture's ONNX Runtime natives (an image build "
                    + "context when too big for a .zip), and the GPU pool's image build context."
        })
public final class PackageCommand implements Callable<Integer> {
    @Mixin
    PlanOptions options;

    @Option(
            names = {"-o", "--out"},
            defaultValue = ".skiff",
            description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<ModelPlan> plans = options.plan(err);
        Packager packager = new Packager(
                FunctionRuntimeFiles.locate(), options.architecture(), line -> err.println("package: " + line));
        PackageManifest manifest = packager.packageAll(plans, out);
        PrintWriter stdout = spec.commandLine().getOut();
        for (ModelPlan plan : plans) {
            stdout.printf(
                    "%s -> %s%s%n",
                    plan.name(),
                    plan.target().wireName(),
                    plan.memoryMb() == null ? "" : String.format(" at %,d MB", plan.memoryMb()));
        }
        PackageReport.print(manifest, LambdaLimits.aws(), stdout);
        stdout.println("Wrote " + out.resolve(PackageManifest.FILE_NAME) + "; next: skiff deploy --stack NAME");
        stdout.flush();
        return PackageReport.problems(manifest, LambdaLimits.aws()).isEmpty() ? ExitCodes.OK : ExitCodes.USAGE_OR_INPUT;
    }
}
