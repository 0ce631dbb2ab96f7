package dev.skiff.deployer.cli;

import dev.skiff.deployer.release.AliasMover;
import dev.skiff.deployer.release.AliasState;
import dev.skiff.deployer.release.ReleaseChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.util.concurrent.Callable;

/** {@code skiff promote MODEL --to VERSION [--canary PERCENT] [--alias live]}. */
@Command(
        name = "promote",
        mixinStandardHelpOptions = true,
        description = {
            "Point a model's alias at a version: all at once, or as a weighted canary that sends PERCENT of "
                    + "requests to it. VERSION is a published version of the model's function (or of the pool), as skiff "
                    + "status lists them."
        })
public final class PromoteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Option(names = "--to", required = true, paramLabel = "VERSION", description = "the version to promote")
    String version;

    @Option(names = "--canary", paramLabel = "PERCENT", description = "send only this percent of requests to VERSION")
    Integer canaryPercent;

    @Option(names = "--alias", defaultValue = "live", description = "the alias to move (default: ${DEFAULT-VALUE})")
    String alias;

    @Mixin
    ReleaseOptions release;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (LambdaClient lambda = release.clients().lambda();
                ReleaseChannel channel = release.channel(model, lambda)) {
            AliasState before = channel.alias(alias).orElse(null);
            AliasState after = AliasMover.promote(channel, alias, version, canaryPercent);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "%s %s: alias %s %s -> %s%n",
                            model,
                            channel.target(),
                            alias,
                            before == null ? "(new)" : before.describe(),
                            after.describe());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
