package dev.skiff.emulator.environment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/** The error documents Lambda returns for failures of the platform rather than the function. */
public final class LambdaErrorDocument {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LambdaErrorDocument() {}

    public static byte[] of(String errorType, String errorMessage) {
        ObjectNode node = JSON.createObjectNode();
        node.put("errorType", errorType);
        node.put("errorMessage", errorMessage);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] timedOut(String requestId, int timeoutSeconds) {
        return of("Sandbox.Timedout", "RequestId: " + requestId + " Error: " + timeoutText(timeoutSeconds));
    }

    static String timeoutText(int timeoutSeconds) {
        return String.format("Task timed out after %d.00 seconds", timeoutSeconds);
    }

    static byte[] exited(String requestId, String exitDescription) {
        return of(
                "Runtime.ExitError",
                "RequestId: " + requestId + " Error: Runtime exited with error: " + exitDescription);
    }

    /** How Lambda words a process end: {@code exit status 1} or {@code signal: killed}. */
    static String exitDescription(int exitValue) {
        if (exitValue > 128) {
            int signal = exitValue - 128;
            return "signal: "
                    + switch (signal) {
                        case 9 -> "killed";
                        case 6 -> "aborted";
                        case 11 -> "segmentation fault";
                        case 15 -> "terminated";
                        default -> "signal " + signal;
                    };
        }
        return "exit status " + exitValue;
    }
}
