package dev.skiff.deployer.cli;

import dev.skiff.monitoring.baseline.BaselineBuilder;
import dev.skiff.monitoring.baseline.BaselineFiles;
import dev.skiff.monitoring.baseline.FeatureStatistics;
import dev.skiff.monitoring.baseline.Numbers;
import dev.skiff.monitoring.baseline.Statistics;
import dev.skiff.monitoring.data.CaptureFiles;
import dev.skiff.monitoring.data.ColumnNames;
import dev.skiff.monitoring.data.Dataset;
import dev.skiff.monitoring.data.RowFiles;
import dev.skiff.monitoring.data.TrainingRows;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.ProtocolException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code skiff baseline MODEL --data FILE|DIR}: writes the statistics drift checks compare against. */
@Command(
        name = "baseline",
        mixinStandardHelpOptions = true,
        description = {
            "Write a model's baseline: statistics.json (per feature its type, count, missing share, mean, std, "
                    + "min, max, KLL quantiles, PSI histogram, category frequencies; for embeddings the mean vector "
                    + "and the distances to it) and constraints.json (types, completeness, the drift rule).",
            "",
            "--data is a CSV (with a header) or JSONL file of training rows, or a directory of capture records. "
                    + "Training rows are scored by the model from --models (its \"batch\" columns), so the "
                    + "baseline has the outputs too; --no-score skips that and keeps every column.",
            "",
            "Examples:",
            "  skiff baseline fraud --data train.csv",
            "  skiff baseline fraud --data .skiff/capture/fraud/1 --output baselines/fraud/1"
        })
public final class BaselineCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the model")
    String model;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "FILE|DIR",
            description = "training rows (.csv, .jsonl) or a capture directory")
    Path data;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = "where statistics.json and constraints.json go (default: baselines/MODEL/VERSION)")
    Path output;

    @Option(names = "--no-score", description = "training rows: do not run the model over them (no output statistics)")
    boolean noScore;

    @Mixin
    MonitoredModel repository = new MonitoredModel();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        String version = repository.version(model);
        Dataset dataset;
        try {
            dataset = Files.isDirectory(data) ? captures(version) : rows();
        } catch (IllegalArgumentException | ProtocolException e) {
            throw new UserError(e.getMessage());
        }
        Statistics statistics =
                BaselineBuilder.build(model, version, ColumnNames.of(repository.config(model)), dataset);
        Path where = output != null ? output : Path.of("baselines", model, version == null ? "unversioned" : version);
        BaselineFiles.write(statistics, where);
        out.printf(
                "baseline of %s%s: %d rows, %d features -> %s%n",
                model,
                version == null ? "" : " version " + version,
                statistics.rows(),
                statistics.features().size(),
                where);
        for (FeatureStatistics f : statistics.features()) out.println("  " + describe(f));
        return ExitCodes.OK;
    }

    private Dataset captures(String version) throws IOException {
        return CaptureFiles.read(
                data, ColumnNames.of(repository.config(model)), new CaptureFiles.Filter(model, version, null));
    }

    private Dataset rows() throws IOException {
        if (!Files.isRegularFile(data)) throw new UserError("no file or directory " + data.toAbsolutePath());
        List<Map<String, Object>> rows = RowFiles.read(data);
        if (noScore) return RowFiles.dataset(rows);
        try (ModelVersion version = repository.load(model)) {
            return TrainingRows.dataset(rows, version);
        }
    }

    static String describe(FeatureStatistics f) {
        String role = f.role() == Dataset.Role.INPUT ? "input " : "output";
        String head = String.format(
                "%-6s %-28s %-11s %6d rows, %4.1f%% missing",
                role, f.name(), f.type().json(), f.count(), 100 * f.missingShare());
        if (f.frequencies() != null) return head + ", " + f.frequencies().size() + " categories";
        if (f.meanVector() != null) {
            return head + ", " + f.meanVector().length + " dimensions, distance to mean median "
                    + Numbers.format(f.distance().quantiles().get("0.5"));
        }
        if (f.mean() == null) return head;
        return head + ", mean " + Numbers.format(f.mean()) + ", std " + Numbers.format(f.std()) + ", min "
                + Numbers.format(f.min()) + ", max " + Numbers.format(f.max());
    }
}
