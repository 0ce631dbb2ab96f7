package dev.skiff.deployer.cli;

import dev.skiff.deployer.plan.ModelPlan;
import dev.skiff.deployer.plan.PlanReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code skiff plan}: which target for which model, and why. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
            "Inspect and profile each model on this machine, then choose Lambda (and its memory size) "
                    + "or the GPU pool, with the reasons and a cost estimate per million requests."
        })
public final class PlanCommand implements Callable<Integer> {
    @Mixin
    PlanOptions options;

    @Option(names = "--json", description = "print the plan as JSON (progress still goes to stderr)")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<ModelPlan> plans = options.plan(spec.commandLine().getErr());
        if (json) out.println(PlanReport.JSON.writeValueAsString(PlanReport.json(plans, options.profileSettings())));
        else PlanReport.printText(plans, options.profileSettings(), out);
        out.flush();
        return ExitCodes.OK;
    }
}
