package dev.skiff.runtime.testing;

import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.environment.InvocationResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One function package run by the local emulator from a SAM template, as {@code skiff local} runs
 * it: its own JVM under Lambda's runtime interface client, with {@code $LAMBDA_TASK_ROOT} at the
 * package (so its natives and models are found there), invoked through the Lambda Invoke API.
 */
public final class EmulatedFunction implements AutoCloseable {
    public static final String NAME = "SkiffFunction";

    private final Emulator emulator;

    private EmulatedFunction(Emulator emulator) {
        this.emulator = emulator;
    }

    /** @param codeUri the package: a directory in Lambda's layout or a zip of one */
    public static EmulatedFunction start(Path dir, String handler, Path codeUri) throws Exception {
        if (!Files.exists(codeUri)) throw new IllegalStateException(codeUri.toAbsolutePath() + " is missing: package first");
        Path template = dir.resolve("template.yaml");
        Files.writeString(template, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  %s:
                    Type: AWS::Serverless::Function
                    Properties:
                      FunctionName: %s
                      Runtime: java21
                      Handler: %s
                      CodeUri: %s
                      MemorySize: 1024
                      Timeout: 30
                """.formatted(NAME, NAME, handler, codeUri.toAbsolutePath()));
        return new EmulatedFunction(Emulator.start(Emulator.Options.defaults(template)));
    }

    /** The ARN the function is invoked with (unqualified), as its handler's context reports it. */
    public String arn() {
        return emulator.registry().find(NAME).function().arn();
    }

    /** Invokes with the event and returns the function's answer; a function error fails. */
    public byte[] invoke(byte[] event) throws Exception {
        InvocationResult result = emulator.invoker().invoke(NAME, null, event, null).get(2, TimeUnit.MINUTES);
        if (result.failed()) {
            throw new IOException("the function failed: " + result.payloadText() + "\n" + result.log());
        }
        return result.payload();
    }

    @Override
    public void close() {
        emulator.close();
    }
}
