package dev.skiff.emulator.environment;

/**
 * What an invocation returned.
 *
 * @param payload the function's response, or Lambda's error document
 * @param functionError null on success, {@code Unhandled} when the function or its runtime failed
 * @param log the invocation's log from START to REPORT (the source of X-Amz-Log-Result)
 */
public record InvocationResult(byte[] payload, String functionError, String executedVersion, String log) {

    public String payloadText() {
        return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
    }

    public boolean failed() {
        return functionError != null;
    }
}
