package dev.skiff.monitoring.report;

import dev.skiff.monitoring.drift.DriftReport;

import java.io.IOException;
import java.nio.file.Path;

/** Where a drift check's results go: report.json and report.html in one directory. */
public final class ReportFiles {
    private ReportFiles() {}

    public static void write(DriftReport report, Path directory) throws IOException {
        report.write(directory);
        HtmlReport.write(report, directory);
    }
}
