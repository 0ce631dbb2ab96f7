package dev.skiff.deployer.cli;

import dev.skiff.deployer.batch.BatchFormat;
import dev.skiff.deployer.batch.BatchSummary;
import dev.skiff.deployer.batch.InputRows;
import dev.skiff.deployer.batch.LambdaBatchInvoker;
import dev.skiff.deployer.batch.LocalBatchRun;
import dev.skiff.deployer.batch.PoolBatchInvoker;
import dev.skiff.deployer.batch.ProgressBar;
import dev.skiff.deployer.batch.ResultFiles;
import dev.skiff.deployer.batch.StackBatchRun;
import dev.skiff.deployer.batch.StackBatchRun.StackResources;
import dev.skiff.deployer.plan.BatchPlan;
import dev.skiff.deployer.template.TemplateModel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code skiff batch MODEL --input ... --output ... (--local | --stack NAME)}: scores a file of rows. */
@Command(
        name = "batch",
        mixinStandardHelpOptions = true,
        description = {
            "Score a CSV or JSONL file of rows with a model, in batches through the model's own function.",
            "",
            "The model's config.json \"batch\" section says which columns fill which input and which pass "
                    + "through (docs/model-repository.md). skiff plan/package/deploy then give the model a "
                    + "Step Functions Distributed Map state machine (<Model>BatchStateMachine: ItemReader over the "
                    + "stack's BatchBucket, ItemBatcher with the plan's items per batch and 256 KiB, retries on "
                    + "throttling, ResultWriter) over its live alias.",
            "",
            "--local sends the batches to a running `skiff local start-api` (its Lambda API, port 3001) as "
                    + "the Distributed Map would: {\"Items\": [...], \"BatchInput\": {...}} events, "
                    + "--concurrency at a time, to the same function code.",
            "A model on the GPU pool: add --pool-url URL, and the same events go to the pool's "
                    + "/v2/models/MODEL/versions/VERSION/batch, which answers as the function does.",
            "--stack NAME runs the stack's state machine for the model: a local input is uploaded (an s3:// "
                    + "one copied) under the batch bucket's batch/<model>/inputs/, an execution named after the "
                    + "input and the model version starts (a rerun is the same execution; a failed one is "
                    + "redriven), DescribeMapRun's counts show as a progress bar, and the results come back.",
            "On the GPU pool the machine invokes the model's batch invoker in the pool's VPC, which posts to "
                    + "the pool's batch route; the execution is named after live in the pool's store (the stack's "
                    + "PoolStoreBucket), or the image's tag and task definition revision for a pool without one.",
            "",
            "Results go to DIR: <input>.out (one result per input row, in input order: row, pass-through "
                    + "keys, outputs, error), <input>.failed.csv (row, key, message) and <input>.summary.json.",
            "Formats: CSV with a header row, JSONL. Parquet is not read yet (see the README's batch "
                    + "section for why).",
            "",
            "Examples:",
            "  skiff local start-api &",
            "  skiff batch fraud --input transactions.csv --output results/ --local",
            "  skiff batch minilm --input texts.jsonl --output results/ --local --pool-url http://127.0.0.1:8080",
            "  skiff package examples/models/fraud && skiff deploy --stack skiff-prod   # adds FraudBatchStateMachine",
            "  skiff batch fraud --input transactions.csv --output results/ --stack skiff-prod",
            "  skiff batch fraud --input s3://bucket/in/transactions.jsonl --output results/ --stack skiff-prod"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every row scored, or the failures stayed within --tolerated-failure-percentage",
            "2:bad arguments or input (a missing file, a model that takes no batch jobs)",
            "3:AWS or the local emulator refused or could not be reached",
            "5:more rows failed than --tolerated-failure-percentage allows"
        })
public final class BatchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "the model, as the template names it")
    String model;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE|s3://BUCKET/KEY",
            description = "the rows to score: a local file, or (with --stack) an S3 object")
    String input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "where the .out, .failed.csv and .summary.json files go")
    Path output;

    @Option(
            names = "--format",
            paramLabel = "csv|jsonl",
            description = "the input's format, and so the results' (default: from the file name; .jsonl is JSONL)")
    String format;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    static final class Where {
        @Option(names = "--local", description = "run against `skiff local start-api` on this machine")
        boolean local;

        @Option(names = "--stack", paramLabel = "NAME", description = "run on AWS, on this stack's state machine")
        String stack;
    }

    @Option(
            names = "--model-version",
            defaultValue = "live",
            paramLabel = "VERSION|ALIAS",
            description = "--local: the version or alias to score with; --stack scores with live, which its state "
                    + "machine invokes, and names the execution after live's version (default: ${DEFAULT-VALUE})")
    String version;

    @Option(
            names = "--batch-size",
            paramLabel = "ROWS",
            description = "rows per invocation at most, as ItemBatcher's MaxItemsPerBatch (a batch also stops at "
                    + "256 KiB); the function runs them in model runs of maxBatchSize (default: --stack, the "
                    + "plan's figure from the stack; --local, " + BatchPlan.DEFAULT_MAX_ITEMS_PER_BATCH + ")")
    Integer batchSize;

    // 3, not 2, on a 2-core machine: invocations are synchronous, and a third in flight keeps the emulator and the
    // function processes busy while another batch's answer and next event cross (bin/bench-batch: 0.36x to 0.41x
    // of the in-process ceiling at 3, 0.28x to 0.31x at 2, 0.35x at 4)
    @Option(
            names = "--concurrency",
            defaultValue = "3",
            description = "--local: invocations in flight at once (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(
            names = "--lambda-endpoint",
            defaultValue = "http://127.0.0.1:3001",
            description = "--local: the emulator's Lambda API (default: ${DEFAULT-VALUE})")
    URI lambdaEndpoint;

    @Option(
            names = "--pool-url",
            paramLabel = "URL",
            description = "--local, for a model on the GPU pool: the pool's serving address (gpu-fallback's --port; "
                    + "start-api's pool logs it on its \"listening\" line); the batches go to its "
                    + "POST /v2/models/MODEL/versions/VERSION/batch instead of a function")
    URI poolUrl;

    @Option(
            names = "--function",
            description = "--local: the function to invoke (default: the template's <Model>Function)")
    String function;

    @Option(
            names = "--tolerated-failure-percentage",
            defaultValue = "0",
            description = "the share of rows that may fail before the run fails, as Distributed Map's "
                    + "ToleratedFailurePercentage (default: ${DEFAULT-VALUE})")
    double tolerated;

    @Mixin
    AwsOptions aws;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((batchSize != null && batchSize < 1) || concurrency < 1)
            throw new UserError("--batch-size and --concurrency must be at least 1");
        if (tolerated < 0 || tolerated > 100) throw new UserError("--tolerated-failure-percentage is 0 to 100");
        if (poolUrl != null && !where.local) throw new UserError("--pool-url goes with --local");
        if (!where.local && !"live".equals(version)) {
            throw new UserError("--stack scores with the live alias its state machine invokes, not '" + version
                    + "'; promote that version to live first, or score it with --local");
        }
        PrintWriter out = spec.commandLine().getOut();
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), System.console() != null);
        BatchFormat inputFormat = format == null ? BatchFormat.of(input) : parseFormat(format);
        BatchSummary summary;
        Path results;
        if (where.local) {
            Path file = localInput();
            try (ResultFiles files = new ResultFiles(output, file.getFileName().toString(), inputFormat)) {
                summary = runLocal(file, inputFormat, files, bar);
                files.writeSummary(summary, model, file.toString());
                results = files.out();
            }
        } else {
            try (var clients = new StackBatchRun.Clients(aws.clients())) {
                StackResources resources = StackResources.find(clients, where.stack, model);
                StackBatchRun run = new StackBatchRun(clients, resources);
                int items = batchSize != null ? batchSize : resources.plannedItemsPerBatch();
                StackBatchRun.Outcome outcome = run.run(model, input, inputFormat, items, tolerated, output, bar, out);
                summary = outcome.summary();
                results = outcome.results();
            }
        }
        out.println(summary.describe());
        out.println("results: " + results
                + (summary.failed() > 0
                        ? "; failed rows: "
                                + results.resolveSibling(
                                        results.getFileName().toString().replace(".out", ".failed.csv"))
                        : ""));
        out.flush();
        return summary.withinTolerance() ? ExitCodes.OK : ExitCodes.BATCH_FAILED;
    }

    private BatchSummary runLocal(Path file, BatchFormat inputFormat, ResultFiles files, ProgressBar bar)
            throws IOException, InterruptedException {
        LocalBatchRun.Settings settings = new LocalBatchRun.Settings(
                model, null, batchSize != null ? batchSize : BatchPlan.DEFAULT_MAX_ITEMS_PER_BATCH, concurrency);
        if (poolUrl != null) {
            try (HttpClient http = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1) // gpu-fallback speaks HTTP/1.1: no h2c upgrade
                            .connectTimeout(Duration.ofSeconds(10))
                            .build();
                    InputRows rows = InputRows.open(file, inputFormat)) {
                LocalBatchRun run = new LocalBatchRun(settings, new PoolBatchInvoker(http, poolUrl, model, version));
                return run.run(rows, files, bar, InputRows.count(file, inputFormat), tolerated);
            }
        }
        String name = function != null ? function : TemplateModel.logicalId(model) + "Function";
        try (InputRows rows = InputRows.open(file, inputFormat)) {
            LocalBatchRun run = new LocalBatchRun(settings, new LambdaBatchInvoker(lambdaEndpoint, name, version));
            return run.run(rows, files, bar, InputRows.count(file, inputFormat), tolerated);
        }
    }

    private Path localInput() {
        if (input.startsWith("s3://")) throw new UserError("--local reads a local file; s3:// inputs need --stack");
        Path file = Path.of(input);
        if (!Files.isRegularFile(file)) throw new UserError("no input file " + file.toAbsolutePath());
        return file;
    }

    private static BatchFormat parseFormat(String text) {
        try {
            return BatchFormat.valueOf(text.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--format is csv or jsonl, not " + text);
        }
    }
}
