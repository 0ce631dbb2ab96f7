package dev.skiff.monitoring.baseline;

import java.io.IOException;
import java.nio.file.Path;

/** A baseline directory: statistics.json and constraints.json. */
public final class BaselineFiles {
    private BaselineFiles() {}

    public static void write(Statistics statistics, Path directory) throws IOException {
        statistics.write(directory);
        Constraints.of(statistics).write(directory);
    }
}
