package dev.skiff.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A process with a long command line (a server started with {@code -cp} and twenty jars) creates
 * ONNX Runtime's environment without overflowing its main thread's stack.
 */
class LongCommandLineTest {

    @Test
    void theEnvironmentIsCreatedUnderACommandLineOf40Kilobytes() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(
                        java, "-Dpadding=" + "x".repeat(40_000), "-cp", classPath, CreateEnvironment.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the process did not finish");
        // 139 is the SIGSEGV of a native stack overflow
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("environment created"), output);
    }

    /** The child process: creates the environment from its main thread, as a server's start does. */
    public static final class CreateEnvironment {
        public static void main(String[] args) throws IOException {
            OrtRuntime.environment();
            System.out.println("environment created");
        }
    }
}
