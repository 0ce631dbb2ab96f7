package dev.skiff.emulator.cli;

import dev.skiff.emulator.lambda.LambdaServiceException;
import dev.skiff.emulator.template.TemplateException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code skiff local}: runs a SAM template on this machine without Docker. Nestable: the
 * {@code skiff} command adds this class as its {@code local} subcommand.
 */
@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        description = "Run a SAM template locally: HTTP API, Lambda API and execution environments, without Docker.",
        subcommands = {
            StartApiCommand.class,
            StartLambdaCommand.class,
            InvokeCommand.class,
            TokenCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LocalCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** A CommandLine that prints template and API errors as one clear line instead of a stack trace. */
    public static CommandLine commandLine(Object command) {
        return new CommandLine(command).setExecutionExceptionHandler((error, commandLine, parseResult) -> {
            if (error instanceof TemplateException
                    || error instanceof LambdaServiceException
                    || error instanceof java.io.IOException) {
                commandLine.getErr().println("error: " + error.getMessage());
                return 2;
            }
            throw error;
        });
    }

    public static void main(String[] args) {
        System.exit(commandLine(new LocalCommand()).execute(args));
    }
}
