package dev.skiff.emulator.cli;

import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.lambda.LambdaFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code skiff local start-lambda}: the Lambda Invoke, version and alias API for the AWS SDK and CLI. */
@Command(
        name = "start-lambda",
        mixinStandardHelpOptions = true,
        description = "Serve the Lambda API (Invoke, versions, aliases) for the template's functions.")
final class StartLambdaCommand implements Callable<Integer> {

    @Mixin
    EmulatorOptions emulator;

    @Option(
            names = {"-p", "--port"},
            defaultValue = "3001",
            description = "Lambda API port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Override
    public Integer call() throws Exception {
        Emulator running = Emulator.start(emulator.toOptions(host, -1, port, LogSink.console()));
        for (LambdaFunction function : running.registry().all()) {
            System.out.println(
                    "Function " + function.name() + " (" + function.definition().runtime() + ", "
                            + function.definition().code() + ")");
        }
        System.out.println("Lambda API on http://" + host + ":" + running.lambdaPort()
                + "  (aws lambda invoke --endpoint-url http://" + host + ":" + running.lambdaPort() + " ...)");
        return runUntilStopped(running);
    }

    /** Serves until Ctrl-C, then stops every environment. */
    static int runUntilStopped(Emulator running) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            running.close();
                            stopped.countDown();
                        },
                        "skiff-shutdown"));
        stopped.await();
        return 0;
    }
}
