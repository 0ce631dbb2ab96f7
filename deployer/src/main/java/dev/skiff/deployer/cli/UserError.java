package dev.skiff.deployer.cli;

/**
 * A failure the person at the terminal can fix (a wrong path, a missing bucket, expired
 * credentials): printed as one line that says what to do next, never as a stack trace.
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(message, ExitCodes.USAGE_OR_INPUT);
    }

    public UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
