package dev.skiff.emulator.cli;

import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.template.HttpRoute;
import dev.skiff.emulator.template.RouteTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code skiff local start-api}: serves the template's HTTP API routes, and the Lambda API beside them. */
@Command(
        name = "start-api",
        mixinStandardHelpOptions = true,
        description = "Serve the template's HTTP API on a local port (and the Lambda API on --lambda-port).")
final class StartApiCommand implements Callable<Integer> {

    @Mixin
    EmulatorOptions emulator;

    @Mixin
    AuthOptions auth;

    @Option(
            names = {"-p", "--port"},
            defaultValue = "3000",
            description = "HTTP API port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(
            names = "--lambda-port",
            defaultValue = "3001",
            description = "Lambda API port, for the AWS SDK and CLI; -1 for none (default: ${DEFAULT-VALUE})")
    int lambdaPort;

    @Override
    public Integer call() throws Exception {
        Emulator running = Emulator.start(
                emulator.toOptions(host, port, lambdaPort, LogSink.console()).withAuth(auth.settings()));
        for (HttpRoute route : running.template().routes()) {
            String target = route.target() instanceof RouteTarget.Lambda lambda
                    ? lambda.functionName() + (lambda.qualifier() == null ? "" : ":" + lambda.qualifier())
                    : "GPU pool (the local gpu-fallback server, on the CPU)";
            System.out.println("Mounted " + route.routeKey() + " -> " + target + " ("
                    + route.auth().describe() + ")");
        }
        System.out.println("HTTP API on http://" + host + ":" + running.apiPort());
        running.authorizer().describe(running.template().routes()).forEach(System.out::println);
        System.out.println("Local JWT issuer: " + running.localIssuerUrl() + " (`skiff local token` mints its tokens; "
                + "keys in " + auth.localIssuer + ")");
        if (running.lambdaPort() >= 0) {
            System.out.println("Lambda API on http://" + host + ":" + running.lambdaPort());
        }
        System.out.println("Ctrl-C to stop; code changes are picked up without a restart.");
        return StartLambdaCommand.runUntilStopped(running);
    }
}
