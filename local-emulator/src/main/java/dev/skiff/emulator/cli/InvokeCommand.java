package dev.skiff.emulator.cli;

import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.environment.InvocationResult;
import dev.skiff.emulator.environment.LogSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code skiff local invoke}: one invocation; the response on standard output, the log on standard error. */
@Command(
        name = "invoke",
        mixinStandardHelpOptions = true,
        description = "Invoke a function once: prints its response, and its log with START/END/REPORT on stderr.")
final class InvokeCommand implements Callable<Integer> {

    @Mixin
    EmulatorOptions emulator;

    @Parameters(index = "0", paramLabel = "FUNCTION", description = "the function's logical id or name")
    String function;

    @Option(
            names = {"-e", "--event"},
            paramLabel = "FILE|-",
            description = "the event (JSON); - reads standard input (default: {})")
    String event;

    @Option(
            names = {"-q", "--qualifier"},
            paramLabel = "VERSION|ALIAS",
            description = "version or alias to invoke (default: $LATEST)")
    String qualifier;

    @Override
    public Integer call() throws Exception {
        byte[] payload = event == null
                ? "{}".getBytes(StandardCharsets.UTF_8)
                : event.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(event));
        try (Emulator running = Emulator.start(emulator.toOptions("127.0.0.1", -1, -1, LogSink.stderr()))) {
            String name = running.template()
                    .function(function)
                    .map(f -> f.functionName())
                    .orElse(function);
            InvocationResult result =
                    running.invoker().invoke(name, qualifier, payload, null).get();
            System.out.println(result.payloadText());
            return result.failed() ? 1 : 0;
        }
    }
}
