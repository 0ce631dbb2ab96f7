package dev.skiff.deployer.cli;

import dev.skiff.emulator.cli.LocalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code skiff}: the command line of the whole project. plan, package, deploy, promote, rollback
 * and status are the deployer's; {@code local} is the local emulator's command, nested.
 */
@Command(
        name = "skiff",
        mixinStandardHelpOptions = true,
        version = "skiff 0.1.0",
        description = "Serve ONNX models on AWS Lambda or a GPU pool: plan, package, deploy, promote, roll back.",
        subcommands = {
            PlanCommand.class,
            PackageCommand.class,
            DeployCommand.class,
            PromoteCommand.class,
            RollbackCommand.class,
            StatusCommand.class,
            InitCommand.class,
            BatchCommand.class,
            BaselineCommand.class,
            DriftCommand.class,
            LocalCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:a deploy failed in AWS (the stack rolled back, a change set failed)",
            "2:bad arguments or input (a missing model, an unknown version, a bad config)",
            "3:AWS refused or could not be reached (credentials, permissions, endpoint, bucket)",
            "4:the change set was declined at the prompt; nothing changed",
            "5:skiff batch: more rows failed than the run tolerates",
            "6:skiff drift --fail-on-drift: a feature or the prediction drifted",
            "7:promote/rollback lost a race: another release changed the aliases meanwhile; nothing changed"
        })
public final class SkiffCli implements Runnable {
    /** The version of this Skiff, which starter projects depend on. */
    public static final String VERSION = "0.1.0-SNAPSHOT";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with errors printed as one line that says what to do, and exit codes scripts can trust. */
    public static CommandLine commandLine() {
        CommandLine commandLine = LocalCommand.commandLine(new SkiffCli());
        CommandLine.IExecutionExceptionHandler localHandler = commandLine.getExecutionExceptionHandler();
        return commandLine.setExecutionExceptionHandler((error, cmd, parseResult) -> {
            if (error instanceof UserError user) {
                cmd.getErr().println("error: " + user.getMessage());
                return user.exitCode();
            }
            if (error instanceof SdkException aws) {
                cmd.getErr().println("error: " + AwsErrors.explain(aws));
                return ExitCodes.AWS_ERROR;
            }
            return localHandler.handleExecutionException(error, cmd, parseResult);
        });
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
