package dev.skiff.emulator.environment;

/** Where the lines of every execution environment go, prefixed by function. */
@FunctionalInterface
public interface LogSink {
    void line(String functionName, String line);

    /** Prints {@code [Function] line} to standard output, one whole line at a time. */
    static LogSink console() {
        return (function, line) -> System.out.println("[" + function + "] " + line);
    }

    /** Prints to standard error, so that standard output holds only a response. */
    static LogSink stderr() {
        return (function, line) -> System.err.println("[" + function + "] " + line);
    }
}
