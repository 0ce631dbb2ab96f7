package dev.skiff.deployer.cli;

import dev.skiff.monitoring.baseline.Constraints;
import dev.skiff.monitoring.baseline.Statistics;
import dev.skiff.monitoring.data.CaptureFiles;
import dev.skiff.monitoring.data.Dataset;
import dev.skiff.monitoring.data.RowFiles;
import dev.skiff.monitoring.data.Since;
import dev.skiff.monitoring.drift.DriftCalculator;
import dev.skiff.monitoring.drift.DriftReport;
import dev.skiff.monitoring.report.HtmlReport;
import dev.skiff.monitoring.report.ReportFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;

/** {@code skiff drift MODEL --baseline DIR --capture DIR}: compares captured requests with the baseline. */
@Command(
        name = "drift",
        mixinStandardHelpOptions = true,
        description = {
            "Compare a window of captured requests with the model's baseline, feature by feature: PSI on the "
                    + "baseline's bins, the two-sample KS test (numerical) or chi-square (categorical) with its "
                    + "p-value, the outputs (prediction drift) and the dataset verdict. Prints a table and writes "
                    + "report.json and report.html (histograms as inline SVG, drifted features first).",
            "",
            "A feature drifts when its p-value is below 0.01 and its PSI is at least 0.1; the dataset drifts "
                    + "when more than half its input features do (thresholds in the baseline's constraints.json).",
            "",
            "Examples:",
            "  skiff drift fraud --baseline baselines/fraud/1 --capture .skiff/capture/fraud/1 --since 24h",
            "  skiff drift fraud --baseline baselines/fraud/1 --capture .skiff/capture --fail-on-drift",
            "  skiff drift fraud --baseline baselines/fraud/1 --capture s3://BUCKET/capture/fraud/1/ --since 24h"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:checked (with --fail-on-drift: and nothing drifted)",
            "2:bad arguments or input (no baseline, no capture records in the window)",
            "6:--fail-on-drift and a feature or the prediction drifted"
        })
public final class DriftCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the model")
    String model;

    @Option(
            names = "--baseline",
            required = true,
            paramLabel = "DIR",
            description = "the directory skiff baseline wrote")
    Path baseline;

    @Option(
            names = "--capture",
            required = true,
            paramLabel = "DIR|FILE",
            description =
                    "capture records (a directory, searched recursively, plain or gzip files), or a CSV/JSONL file of rows")
    Path capture;

    @Option(
            names = "--since",
            paramLabel = "30m|24h|7d",
            description = "only records of this last window (default: all)")
    String since;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = "where report.json and report.html go (default: drift-reports/MODEL/<time>)")
    Path output;

    @Option(names = "--fail-on-drift", description = "exit 6 when a feature or the prediction drifted")
    boolean failOnDrift;

    @Mixin
    MonitoredModel repository = new MonitoredModel();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Statistics statistics;
        Constraints.Drift rule;
        Dataset window;
        try {
            statistics = Statistics.read(baseline);
            rule = Constraints.driftRule(baseline);
            window = window(statistics);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        DriftReport report = new DriftCalculator(statistics, rule).compare(window);
        Path where = output != null
                ? output
                : Path.of(
                        "drift-reports",
                        model,
                        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-'));
        ReportFiles.write(report, where);
        out.print(report.table());
        out.println("report: " + where.resolve(DriftReport.FILE) + ", " + where.resolve(HtmlReport.FILE));
        return failOnDrift && report.verdict().anyDrift() ? ExitCodes.DRIFT : ExitCodes.OK;
    }

    private Dataset window(Statistics statistics) throws IOException {
        if (Files.isRegularFile(capture) && RowFiles.isRowFile(capture))
            return RowFiles.dataset(RowFiles.read(capture));
        String version = repository.version != null ? repository.version : statistics.modelVersion();
        Instant start = since == null ? null : Since.start(since, Instant.now());
        return CaptureFiles.read(capture, statistics.names(), new CaptureFiles.Filter(model, version, start));
    }
}
