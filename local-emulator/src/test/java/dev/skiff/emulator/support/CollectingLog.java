package dev.skiff.emulator.support;

import dev.skiff.emulator.environment.LogSink;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A log sink that keeps every line (and still prints it, for the test report). */
public final class CollectingLog implements LogSink {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void line(String functionName, String line) {
        lines.add("[" + functionName + "] " + line);
        System.out.println("[" + functionName + "] " + line);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Every line so far, one a line. */
    public String text() {
        return String.join("\n", lines);
    }

    public long count(String fragment) {
        return lines.stream().filter(l -> l.contains(fragment)).count();
    }
}
