package dev.skiff.deployer.cli;

import dev.skiff.deployer.release.AliasState;
import dev.skiff.deployer.release.LambdaFunctions;
import dev.skiff.deployer.release.LambdaReleaseChannel;
import dev.skiff.deployer.release.PoolReleaseChannel;
import dev.skiff.deployer.release.PoolStores;
import dev.skiff.deployer.release.PoolTasks;
import dev.skiff.deployer.release.ReleaseChannel;
import dev.skiff.deployer.report.TextTable;
import dev.skiff.monitoring.drift.DriftReport;
import dev.skiff.monitoring.scheduled.LatestVerdicts;
import dev.skiff.store.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** {@code skiff status [MODEL]}: each model's target, versions, aliases and their weights. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show each model's target, published versions, and aliases with their weights; with "
                    + "--monitoring-bucket, each version's last drift verdict too."
        })
public final class StatusCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "MODEL",
            description = "one model (default: every Skiff model)")
    String model;

    @Mixin
    ReleaseOptions release;

    @Option(
            names = "--pool-task",
            paramLabel = "URL",
            description = "with --pool-store: also show what this task serves, from its management listener "
                    + "(loopback in the task: reach it through a tunnel such as an SSM port forward); repeatable")
    List<URI> poolTasks = new ArrayList<>();

    @Option(
            names = "--monitoring-bucket",
            paramLabel = "BUCKET",
            description = "the stack's MonitoringBucketName output: show the drift function's last verdict per version")
    String monitoringBucket;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (release.poolStore != null) return poolStatus();
        if (!poolTasks.isEmpty()) throw new UserError("--pool-task goes with --pool-store: the store is the truth");
        try (LambdaClient lambda = release.clients().lambda()) {
            Map<String, ReleaseChannel> channels = new LinkedHashMap<>();
            if (model != null) {
                channels.put(model, release.channel(model, lambda));
            } else {
                LambdaFunctions.byModel(lambda, release.stack)
                        .forEach((name, function) -> channels.put(name, new LambdaReleaseChannel(lambda, function)));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (channels.isEmpty()) {
                out.println("No Skiff models found" + (release.stack == null ? "" : " in stack " + release.stack)
                        + "; deploy some with skiff deploy");
            } else {
                table(channels).print(out, "");
                if (monitoringBucket != null) driftVerdicts(channels, out);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** What the store says (always), then what each --pool-task serves. */
    private int poolStatus() {
        PrintWriter out = spec.commandLine().getOut();
        try (ModelStore store = PoolStores.open(release.poolStore, release.aws.clients())) {
            Set<String> models = new TreeSet<>(store.versions().keySet());
            models.addAll(store.aliases().document().models().keySet());
            if (model != null) models.retainAll(Set.of(model));
            if (models.isEmpty()) {
                out.println((model == null ? "No models" : "No model '" + model + "'") + " in the GPU pool's store "
                        + store.describe() + "; skiff deploy --pool-store publishes them");
                out.flush();
                return model == null ? ExitCodes.OK : ExitCodes.USAGE_OR_INPUT;
            }
            Map<String, ReleaseChannel> channels = new LinkedHashMap<>();
            for (String name : models) channels.put(name, new PoolReleaseChannel(store, name));
            table(channels).print(out, "");
            if (!poolTasks.isEmpty()) {
                out.println();
                out.println("What each task serves (it follows the store within its poll interval):");
                new PoolTasks().table(poolTasks, List.copyOf(models)).print(out, "");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private void driftVerdicts(Map<String, ReleaseChannel> channels, PrintWriter out) {
        out.println();
        try (S3Client s3 = release.aws.clients().s3()) {
            for (Map.Entry<String, ReleaseChannel> entry : channels.entrySet()) {
                Map<String, DriftReport> verdicts = LatestVerdicts.read(
                        s3, monitoringBucket, entry.getKey(), entry.getValue().versions());
                if (verdicts.isEmpty())
                    out.println("drift: " + entry.getKey() + ": not checked yet (no baseline or no captures)");
                verdicts.forEach((version, report) ->
                        out.println("drift: " + LatestVerdicts.describe(entry.getKey(), version, report)));
            }
        } catch (java.io.IOException e) {
            throw new UserError("cannot read a drift report in s3://" + monitoringBucket + ": " + e.getMessage());
        }
    }

    static TextTable table(Map<String, ReleaseChannel> channels) {
        TextTable table = new TextTable("MODEL", "TARGET", "WHERE", "VERSIONS", "ALIAS", "ROUTES TO", "ROLLBACK TO");
        for (Map.Entry<String, ReleaseChannel> entry : channels.entrySet()) {
            ReleaseChannel channel = entry.getValue();
            String versions = String.join(", ", channel.versions());
            List<AliasState> aliases = new ArrayList<>(channel.aliases());
            if (aliases.isEmpty())
                table.row(entry.getKey(), channel.target(), channel.location(), versions, "-", "-", "-");
            for (AliasState alias : aliases) {
                table.row(
                        entry.getKey(),
                        channel.target(),
                        channel.location(),
                        versions,
                        alias.name(),
                        alias.describe(),
                        alias.hasCanary() ? alias.version() + " (drop canary)" : alias.previousVersion());
            }
        }
        return table;
    }
}
