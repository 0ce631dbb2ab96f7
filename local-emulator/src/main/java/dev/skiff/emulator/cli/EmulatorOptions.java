package dev.skiff.emulator.cli;

import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.capture.CaptureDirectorySink;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.gpupool.GpuServerCommand;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Options every {@code skiff local} command shares: which template, its parameters, the region. */
public final class EmulatorOptions {

    @Option(
            names = {"-t", "--template"},
            defaultValue = "sam/template.yaml",
            description = "SAM template (default: ${DEFAULT-VALUE})")
    Path template;

    @Option(
            names = "--parameter-overrides",
            arity = "1..*",
            paramLabel = "KEY=VALUE",
            description = "template parameter values, e.g. --parameter-overrides Stage=dev MemorySize=1024")
    Map<String, String> parameterOverrides = new LinkedHashMap<>();

    @Option(names = "--region", description = "AWS region the functions see (default: $AWS_REGION or us-east-1)")
    String region;

    @Option(
            names = "--idle-timeout",
            defaultValue = "600",
            paramLabel = "SECONDS",
            description = "stop an execution environment idle this long (default: ${DEFAULT-VALUE})")
    long idleTimeoutSeconds;

    @Option(
            names = "--gpu-fallback-lib",
            paramLabel = "DIR",
            description =
                    "the gpu-fallback server's jars, for routes to the GPU pool (default: the Skiff distribution's "
                            + GpuServerCommand.LIB + ")")
    Path gpuFallbackLib;

    @Option(
            names = "--s3-endpoint",
            paramLabel = "URL",
            description = "an S3 endpoint (LocalStack, MinIO, ...) that UpdateFunctionCode reads S3Bucket/S3Key "
                    + "packages from (default: none; such requests are refused)")
    URI s3Endpoint;

    @Option(
            names = "--capture-dir",
            defaultValue = ".skiff/capture",
            paramLabel = "DIR",
            description = "where the functions' and the pool's capture records go, <model>/<version>/<hour>.jsonl, "
                    + "as Firehose writes them to S3 (default: ${DEFAULT-VALUE})")
    Path captureDir;

    Emulator.Options toOptions(String host, int apiPort, int lambdaPort, LogSink console) {
        LogSink log = new CaptureDirectorySink(captureDir, console);
        String effectiveRegion = region != null
                ? region
                : System.getenv("AWS_REGION") != null ? System.getenv("AWS_REGION") : "us-east-1";
        Emulator.Options defaults = Emulator.Options.defaults(template);
        return new Emulator.Options(
                template,
                Map.copyOf(parameterOverrides),
                host,
                apiPort,
                lambdaPort,
                effectiveRegion,
                Duration.ofSeconds(Math.max(1, idleTimeoutSeconds)),
                defaults.reloadInterval(),
                log,
                defaults.javaExecutable(),
                gpuFallbackLib == null ? null : GpuServerCommand.fromLib(gpuFallbackLib),
                defaults.auth(),
                s3Endpoint);
    }
}
