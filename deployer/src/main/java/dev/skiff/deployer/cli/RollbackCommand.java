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

/** {@code skiff rollback MODEL}: drops a canary, or returns the alias to the version before. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Undo the last move of a model's alias: drop a canary (all traffic back on the main version), "
                    + "or return to the version it pointed at before."
        })
public final class RollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Option(
            names = "--alias",
            defaultValue = "live",
            description = "the alias to move back (default: ${DEFAULT-VALUE})")
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
            AliasState after = AliasMover.rollback(channel, alias);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "%s %s: alias %s %s -> %s%n",
                            model, channel.target(), alias, before == null ? "-" : before.describe(), after.describe());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
