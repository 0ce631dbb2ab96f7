package dev.skiff.deployer.batch;

import java.util.Locale;

/**
 * Where a batch run stands, as one line: a bar, items done of the total, failed, the rate and
 * the time left. Local runs and DescribeMapRun's item counts render the same way.
 *
 * @param total the items in all, or -1 when not yet known
 */
public record Progress(long done, long failed, long total, long elapsedMillis) {
    private static final int WIDTH = 24;

    public String render() {
        StringBuilder line = new StringBuilder(96);
        double fraction = total > 0 ? Math.min(1, (double) done / total) : 0;
        int filled = (int) Math.round(fraction * WIDTH);
        line.append('[')
                .append("#".repeat(filled))
                .append("-".repeat(WIDTH - filled))
                .append("] ");
        line.append(String.format(Locale.ROOT, "%,d", done));
        if (total >= 0) line.append(String.format(Locale.ROOT, "/%,d", total));
        line.append(" items, ")
                .append(String.format(Locale.ROOT, "%,d", failed))
                .append(" failed, ");
        double seconds = elapsedMillis / 1000.0;
        double rate = seconds > 0 ? done / seconds : 0;
        line.append(String.format(Locale.ROOT, "%,.0f items/s", rate));
        if (total >= 0 && rate > 0) {
            line.append(", ETA ").append(clock(Math.round((total - done) / rate)));
        }
        return line.toString();
    }

    private static String clock(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
