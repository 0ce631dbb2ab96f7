package dev.skiff.emulator;

import dev.skiff.emulator.environment.InvocationResult;
import dev.skiff.emulator.support.TestFunctionPackage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @Test
    void smoke(@TempDir Path dir) throws Exception {
        TestFunctionPackage.javaPackage(dir.resolve("code"), "one");
        Files.writeString(dir.resolve("template.yaml"), """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Echo:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: dev.skiff.emulator.testfunctions.ScriptedHandler::handleRequest
                      CodeUri: code
                      MemorySize: 256
                """);
        try (Emulator emulator = Emulator.start(Emulator.Options.defaults(dir.resolve("template.yaml")))) {
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                InvocationResult r = emulator.invoker().invoke("Echo", null, "{\"a\":1}".getBytes(), null).get();
                System.out.println((System.nanoTime() - t) / 1e6 + " ms " + r.functionError() + " " + r.payloadText());
            }
        }
    }
}
