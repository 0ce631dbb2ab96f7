package dev.skiff.deployer.batch;

import java.io.PrintWriter;

/** Prints progress in place on a terminal (carriage return), or a line every few seconds in a log. */
public final class ProgressBar {
    private static final long LOG_EVERY_MILLIS = 5000;
    private final PrintWriter out;
    private final boolean terminal;
    private long lastLogged;

    public ProgressBar(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public synchronized void show(Progress progress) {
        if (terminal) {
            out.print("\r" + progress.render());
            out.flush();
        } else if (progress.elapsedMillis() - lastLogged >= LOG_EVERY_MILLIS) {
            lastLogged = progress.elapsedMillis();
            out.println(progress.render());
            out.flush();
        }
    }

    public synchronized void finish(Progress progress) {
        out.println((terminal ? "\r" : "") + progress.render());
        out.flush();
    }
}
