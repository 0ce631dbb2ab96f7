package dev.skiff.bench.coldstart;

import dev.skiff.bench.BenchFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Cold start, start of process to first answered request, of each function in a fresh JVM under the
 * official runtime interface client ({@code com.amazonaws.services.lambda.runtime.api.client.AWSLambda}),
 * the way Lambda's java runtimes start it: the client's jars on the class path, the function loaded by
 * the client's CustomerClassLoader from the task root (the working directory), the JVM flags of
 * Lambda's java runtime, and a Runtime API of our own ({@link RuntimeApiServer}) that hands out one
 * API Gateway HTTP API event and times the answer.
 *
 * <p>Functions: {@code skiff} (function-runtime/lambda/target/lambda as built), {@code floor} (only what
 * cannot be avoided), {@code naive} (the usual tutorial), and {@code hello} (an empty handler: JVM and
 * client start alone). Runs are interleaved, one of each per round, the order rotating every round, so
 * that machine noise hits all alike; one warm-up round is discarded.
 *
 * <p>Options: {@code --runs N} (10), {@code --models fraud,minilm}, {@code --functions skiff,floor,naive,hello},
 * {@code --bench-dir DIR} (tests/target/bench), {@code --skiff-root DIR} (function-runtime/lambda/target/lambda),
 * {@code --cds} (prototype: a dynamic AppCDS archive per function and model from one training run, used
 * by all functions alike), {@code --jvm-arg ARG} (more JVM flags, for all), {@code --breakdown N} (Skiff's
 * in-process init phases, N fresh JVMs per model; 5), {@code --class-counts} (classes each function loads,
 * one extra run each), {@code --out FILE} (also write the report there).
 */
public final class ColdStartHarness {
    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final Map<String, Integer> MEMORY_MB = Map.of("fraud", 512, "minilm", 2048);

    /** @param cds whether it runs with its own dynamic AppCDS archive (made by one training run) */
    record Function(String name, Path taskRoot, String handler, boolean cds) {
        /** skiff, floor, ... or skiff+cds, floor+cds, ... */
        String label() {
            return cds ? name + "+cds" : name;
        }
    }

    record Sample(
            String model,
            String function,
            int round,
            double totalMs,
            double readyMs,
            double requestMs,
            long peakRssKb) {}

    private final Path benchDir;
    private final Path runsDir;
    private final Path java;
    private final List<String> extraJvmArgs;
    private final Map<String, byte[]> events = new LinkedHashMap<>();
    private final Map<String, Path> cdsArchives = new TreeMap<>();
    private final StringBuilder log = new StringBuilder();
    private final List<String> warnings = new ArrayList<>();
    /** JVM flags for the skiff function alone: only the workaround for a package that cannot load ONNX Runtime. */
    private final List<String> skiffOnlyFlags = new ArrayList<>();

    private ColdStartHarness(Path benchDir, List<String> extraJvmArgs) {
        this.benchDir = benchDir;
        this.runsDir = benchDir.resolve("runs");
        this.java = Path.of(System.getProperty("java.home"), "bin", "java");
        this.extraJvmArgs = extraJvmArgs;
    }

    public static void main(String[] args) throws Exception {
        int runs = 10, breakdownRuns = 5;
        List<String> models = List.of("fraud", "minilm");
        List<String> functionNames = List.of("skiff", "floor", "naive", "hello");
        Path repo = BenchFiles.repoRoot();
        Path benchDir = repo.resolve("tests/target/bench");
        Path skiffRoot = repo.resolve("function-runtime/lambda/target/lambda");
        boolean cds = false, classCounts = false;
        List<String> jvmArgs = new ArrayList<>();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--models" -> models = List.of(args[++i].split(","));
                case "--functions" -> functionNames = List.of(args[++i].split(","));
                case "--bench-dir" -> benchDir = Path.of(args[++i]).toAbsolutePath();
                case "--skiff-root" -> skiffRoot = Path.of(args[++i]).toAbsolutePath();
                case "--cds" -> cds = true;
                case "--jvm-arg" -> jvmArgs.add(args[++i]);
                case "--breakdown" -> breakdownRuns = Integer.parseInt(args[++i]);
                case "--class-counts" -> classCounts = true;
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ColdStartHarness harness = new ColdStartHarness(benchDir, jvmArgs);
        harness.run(
                runs, models, functionNames, skiffRoot, cds, breakdownRuns, classCounts, String.join(" ", args), out);
    }

    private void run(
            int runs,
            List<String> models,
            List<String> functionNames,
            Path skiffRoot,
            boolean cds,
            int breakdownRuns,
            boolean classCounts,
            String arguments,
            Path out)
            throws Exception {
        deleteTree(runsDir);
        Files.createDirectories(runsDir);
        skiffRoot = usableSkiffRoot(skiffRoot);
        for (String model : models) events.put(model, BenchFiles.httpApiEvent(model, BenchFiles.request(model)));

        Map<String, List<Function>> functions = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        for (String model : models) {
            List<Function> list = new ArrayList<>();
            for (String name : functionNames) {
                list.add(function(name, skiffRoot, false));
                if (cds) list.add(function(name, skiffRoot, true));
            }
            functions.put(model, list);
            for (Function f : list) if (!labels.contains(f.label())) labels.add(f.label());
        }
        checkModels(models, functions);
        print("java: " + java + " (" + System.getProperty("java.vm.version") + "), "
                + Runtime.getRuntime().availableProcessors() + " CPUs; JVM flags: "
                + String.join(" ", lambdaJvmFlags("fraud")) + " (heap per model memory)");

        if (functionNames.contains("skiff")) probeSkiff(functions, models);

        if (cds) {
            for (String model : models)
                for (Function f : functions.get(model)) if (f.cds()) cdsArchives.put(key(f, model), trainCds(f, model));
        }

        // one warm-up round (discarded: page cache, JIT of this harness), then interleaved rounds
        List<Sample> samples = new ArrayList<>();
        for (int round = 0; round <= runs; round++) {
            for (String model : models) {
                List<Function> list = functions.get(model);
                for (int k = 0; k < list.size(); k++) {
                    Function f = list.get((k + round) % list.size()); // rotate the order every round
                    Sample s = runOnce(f, model, round, List.of());
                    if (round > 0) samples.add(s);
                    print(String.format(
                            Locale.ROOT,
                            "round %2d %-6s %-9s start->answer %7.1f ms  start->ready %7.1f ms  request %6.1f ms  peak RSS %4d MB%s",
                            round,
                            model,
                            f.label(),
                            s.totalMs(),
                            s.readyMs(),
                            s.requestMs(),
                            s.peakRssKb() / 1024,
                            round == 0 ? "  (warm-up, discarded)" : ""));
                }
            }
        }

        StringBuilder report = new StringBuilder();
        report.append("Command: `bin/bench-coldstart ").append(arguments).append("`\n\n");
        report.append("JVM: ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.vm.version"))
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs. Flags for every function: `")
                .append(String.join(" ", lambdaJvmFlags("<model>")))
                .append("`")
                .append(
                        cds
                                ? "; the `+cds` rows add `-XX:SharedArchiveFile=<that function's and model's dynamic AppCDS archive>`, "
                                        + "made before the runs by one training run each (`-XX:ArchiveClassesAtExit`, ended by SIGTERM)"
                                : "")
                .append(extraJvmArgs.isEmpty() ? "" : " plus `" + String.join(" ", extraJvmArgs) + "`")
                .append(". ")
                .append(runs)
                .append(" interleaved runs each, after one discarded warm-up round.\n\n");
        for (String warning : warnings)
            report.append("**Warning:** ").append(warning).append("\n\n");
        report.append(coldStartTable(samples, models, labels));
        if (breakdownRuns > 0 && functionNames.contains("skiff")) {
            report.append('\n').append(breakdown(skiffRoot, models, breakdownRuns, samples));
        }
        if (classCounts) report.append('\n').append(classCounts(functions, models));
        System.out.println();
        System.out.println(report);
        if (out != null) {
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
        }
        Files.writeString(benchDir.resolve("coldstart.log"), log);
    }

    // --- the functions ---

    private Function function(String name, Path skiffRoot, boolean cds) {
        return switch (name) {
            case "skiff" -> new Function(name, skiffRoot, "dev.skiff.runtime.lambda.SkiffHandler::handleRequest", cds);
            case "floor" ->
                new Function(
                        name,
                        benchDir.resolve("tasks/floor"),
                        "dev.skiff.bench.functions.floor.Floor%sHandler::handleRequest",
                        cds);
            case "naive" ->
                new Function(
                        name,
                        benchDir.resolve("tasks/naive"),
                        "dev.skiff.bench.functions.naive.Naive%sHandler::handleRequest",
                        cds);
            case "hello" ->
                new Function(
                        name,
                        benchDir.resolve("tasks/hello"),
                        "dev.skiff.bench.functions.hello.HelloHandler::handleRequest",
                        cds);
            // the same function through Quarkus (its function.zip, extracted as Lambda extracts it) and Micronaut
            case "quarkus" ->
                new Function(
                        name,
                        extracted(
                                BenchFiles.repoRoot().resolve("function-runtime/quarkus/target/function.zip"),
                                benchDir.resolve("tasks/quarkus")),
                        "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest",
                        cds);
            case "micronaut" ->
                new Function(
                        name,
                        BenchFiles.repoRoot().resolve("function-runtime/micronaut/target/lambda"),
                        "dev.skiff.micronaut.SkiffMicronautHandler::handleRequest",
                        cds);
            default ->
                throw new IllegalArgumentException(
                        "unknown function " + name + "; use skiff, floor, naive, hello, quarkus, micronaut");
        };
    }

    /**
     * The Skiff package as built, when it is complete. Without native/ (a build whose natives step did
     * not run), ONNX Runtime cannot load at all there: then a copy with the natives added is used, and said so.
     */
    private Path usableSkiffRoot(Path skiffRoot) throws IOException {
        if (!Files.isRegularFile(skiffRoot.resolve("lib/function-runtime-lambda-0.1.0-SNAPSHOT.jar"))
                && !hasFunctionJar(skiffRoot)) {
            throw new IllegalStateException(skiffRoot + " holds no function-runtime jar: build it first "
                    + "(bin/jdk ./mvnw -B -ntp -pl examples,function-runtime/lambda -am -DskipTests package)");
        }
        if (Files.isRegularFile(skiffRoot.resolve("native").resolve(System.mapLibraryName("onnxruntime"))))
            return skiffRoot;
        Path patched = benchDir.resolve("tasks/skiff-with-natives");
        deleteTree(patched);
        copyTree(skiffRoot, patched);
        copyTree(benchDir.resolve("tasks/floor/native"), patched.resolve("native"));
        String warning = skiffRoot + " has no native/ (function-runtime's package step did not extract ONNX Runtime's "
                + "natives: its two unpack-dependencies executions of the same jar share one marker, so the second is skipped), "
                + "so ONNX Runtime cannot load from it; measured a copy with the natives added: "
                + benchDir.relativize(patched);
        warnings.add(warning);
        print("WARNING: " + warning);
        return patched;
    }

    /**
     * One cold start of Skiff as packaged, before measuring. When ONNX Runtime cannot load (SessionOptions
     * created before OrtRuntime points ONNX Runtime at native/), Skiff is measured with
     * {@code -Donnxruntime.native.path=<task root>/native}: the property OrtRuntime itself means to set,
     * so the figures show Skiff as it will be once that is fixed; the report says so.
     */
    private void probeSkiff(Map<String, List<Function>> functions, List<String> models) throws Exception {
        for (String model : models) {
            for (Function f : functions.get(model)) {
                if (!f.name().equals("skiff") || f.cds()) continue;
                try {
                    runOnce(f, model, -1, List.of());
                } catch (IllegalStateException e) {
                    if (!skiffOnlyFlags.isEmpty() || !e.getMessage().contains("no onnxruntime in java.library.path"))
                        throw e;
                    skiffOnlyFlags.add(
                            "-Donnxruntime.native.path=" + f.taskRoot().resolve("native"));
                    String warning = "Skiff as packaged fails its init: `no onnxruntime in java.library.path` "
                            + "(ModelVersion.load calls OrtRuntime.cpuOptions, whose `new OrtSession.SessionOptions()` loads "
                            + "ONNX Runtime before OrtRuntime.environment() has set onnxruntime.native.path). Skiff is measured with "
                            + "`-Donnxruntime.native.path=$LAMBDA_TASK_ROOT/native` added, the property OrtRuntime means to set.";
                    warnings.add(warning);
                    print("WARNING: " + warning);
                    runOnce(f, model, -1, List.of());
                }
            }
        }
    }

    /** A function.zip extracted once per harness run into dir. */
    private static Path extracted(Path zip, Path dir) {
        try {
            if (!Files.isRegularFile(zip))
                throw new IllegalStateException(zip + " is missing: build it first "
                        + "(bin/jdk ./mvnw -B -ntp -pl function-runtime/quarkus -am -DskipTests package)");
            deleteTree(dir);
            Files.createDirectories(dir);
            try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
                for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    Path out = dir.resolve(e.getName()).normalize();
                    if (!out.startsWith(dir)) throw new IOException("zip entry outside the package: " + e.getName());
                    if (e.isDirectory()) Files.createDirectories(out);
                    else {
                        Files.createDirectories(out.getParent());
                        Files.copy(in, out);
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean hasFunctionJar(Path root) throws IOException {
        try (Stream<Path> jars = Files.list(root.resolve("lib"))) {
            return jars.anyMatch(p -> p.getFileName().toString().startsWith("function-runtime"));
        }
    }

    /** Every function must carry the same model files as examples/models (a concurrent build can leave a partial copy). */
    private static void checkModels(List<String> models, Map<String, List<Function>> functions) throws IOException {
        Path source = BenchFiles.models();
        for (String model : models) {
            try (Stream<Path> files = Files.walk(source.resolve(model + "/1"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    for (Function f : functions.get(model)) {
                        if (f.name().equals("hello")) continue;
                        Path copy = f.taskRoot()
                                .resolve("models")
                                .resolve(source.relativize(file).toString());
                        if (!Files.isRegularFile(copy) || Files.size(copy) != Files.size(file)) {
                            throw new IllegalStateException(
                                    copy + " differs from " + file + " (a partial copy?); rebuild: "
                                            + "bin/jdk ./mvnw -B -ntp -pl tests -am -Pbench -DskipTests package");
                        }
                    }
                }
            }
        }
    }

    /** The flags of Lambda's java runtime (as its bootstrap starts the client), for a model's memory size. */
    private List<String> lambdaJvmFlags(String model) {
        Integer memory = MEMORY_MB.get(model);
        List<String> flags = new ArrayList<>();
        flags.add("-XX:MaxHeapSize=" + (memory == null ? "<85% of memory>" : (long) (memory * 1024 * 0.85) + "k"));
        flags.add("-XX:+UseSerialGC");
        flags.add("-Xshare:auto");
        flags.add("-XX:+TieredCompilation");
        flags.add("-XX:TieredStopAtLevel=1");
        flags.add("--add-opens=java.base/java.io=ALL-UNNAMED");
        flags.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
        flags.add("-Djava.net.preferIPv4Stack=true");
        flags.add("-XX:+ErrorFileToStderr");
        flags.add("-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI="
                + benchDir.resolve("ric/jni/libaws-lambda-jni.linux-x86_64.so"));
        return flags;
    }

    private String ricClasspath() throws IOException {
        try (Stream<Path> jars = Files.list(benchDir.resolve("ric/lib"))) {
            return String.join(":", jars.map(Path::toString).sorted().toList());
        }
    }

    private Map<String, String> lambdaEnvironment(Function f, String model, String runtimeApi) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("LAMBDA_TASK_ROOT", f.taskRoot().toString());
        env.put("LAMBDA_RUNTIME_DIR", benchDir.resolve("ric").toString());
        env.put("_HANDLER", handler(f, model));
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "skiff-bench-" + f.name() + (f.cds() ? "-cds-" : "-") + model);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(MEMORY_MB.get(model)));
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/skiff-bench");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/21/[$LATEST]0123456789abcdef");
        env.put("SKIFF_MODELS", model);
        return env;
    }

    // --- one cold start ---

    private Sample runOnce(Function f, String model, int round, List<String> diagnosticFlags) throws Exception {
        Path runDir =
                runsDir.resolve(model + "-" + f.label() + "-" + round + (diagnosticFlags.isEmpty() ? "" : "-diag"));
        Path tmp = runDir.resolve("tmp");
        Files.createDirectories(tmp);
        String requestId = "c0ffee00-" + round + "-" + f.name() + (f.cds() ? "-cds-" : "-") + model;
        try (RuntimeApiServer api = new RuntimeApiServer(events.get(model), requestId)) {
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(lambdaJvmFlags(model));
            Path archive = cdsArchives.get(key(f, model));
            if (archive != null) command.add("-XX:SharedArchiveFile=" + archive);
            command.addAll(extraJvmArgs);
            if (f.name().equals("skiff")) command.addAll(skiffOnlyFlags);
            command.addAll(diagnosticFlags);
            command.add("-Djava.io.tmpdir=" + tmp); // the naive function extracts ONNX Runtime's natives there
            command.add("-classpath");
            command.add(ricClasspath());
            command.add(RIC_MAIN);
            command.add(handler(f, model));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(f.taskRoot().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(runDir.resolve("output.txt").toFile());
            builder.environment().clear();
            builder.environment().putAll(lambdaEnvironment(f, model, api.address()));

            long start = System.nanoTime();
            Process process = builder.start();
            boolean finished = api.awaitFinished(180_000);
            long peakRss = peakRssKb(process.pid());
            process.destroyForcibly();
            process.waitFor();
            deleteTree(tmp);
            String failure = !finished
                    ? "no answer within 180 s"
                    : api.error != null ? api.error : api.response == null ? "no response" : null;
            String answer = api.response == null ? "" : new String(api.response, StandardCharsets.UTF_8);
            if (failure == null && !answer.contains("\"statusCode\":200"))
                failure = "answer is not a 200: " + abbreviate(answer);
            if (failure != null) {
                throw new IllegalStateException(f.label() + " (" + model + ") failed: " + failure + "; its output: "
                        + runDir.resolve("output.txt") + "\n"
                        + abbreviate(Files.readString(runDir.resolve("output.txt"))));
            }
            if (round <= 0) Files.writeString(runDir.resolve("answer.json"), answer);
            else deleteTree(runDir);
            return new Sample(
                    model,
                    f.label(),
                    round,
                    millis(api.responseNanos - start),
                    millis(api.firstPollNanos - start),
                    millis(api.responseNanos - api.firstPollNanos),
                    peakRss);
        }
    }

    /** VmHWM: the process's peak resident set, read while it waits for its next invocation. */
    private static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException ignored) {
            // the process is gone: no figure
        }
        return -1;
    }

    /** One run ending in SIGTERM, which makes the JVM write the dynamic archive of every class it loaded. */
    private Path trainCds(Function f, String model) throws Exception {
        Path archive = benchDir.resolve("cds").resolve(key(f, model) + ".jsa");
        Files.createDirectories(archive.getParent());
        Files.deleteIfExists(archive);
        Path runDir = runsDir.resolve(key(f, model) + "-cds-training");
        Files.createDirectories(runDir.resolve("tmp"));
        try (RuntimeApiServer api = new RuntimeApiServer(events.get(model), "cds-training")) {
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(lambdaJvmFlags(model));
            command.add("-XX:ArchiveClassesAtExit=" + archive);
            if (f.name().equals("skiff")) command.addAll(skiffOnlyFlags);
            command.add("-Djava.io.tmpdir=" + runDir.resolve("tmp"));
            command.add("-classpath");
            command.add(ricClasspath());
            command.add(RIC_MAIN);
            command.add(handler(f, model));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(f.taskRoot().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(runDir.resolve("output.txt").toFile());
            builder.environment().clear();
            builder.environment().putAll(lambdaEnvironment(f, model, api.address()));
            Process process = builder.start();
            if (!api.awaitFinished(180_000) || api.response == null)
                throw new IllegalStateException("CDS training of " + key(f, model) + " failed");
            process.destroy(); // SIGTERM: the JVM exits normally and dumps the archive
            process.waitFor();
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("no archive " + archive + "; see " + runDir.resolve("output.txt"));
        }
        print("CDS archive " + archive.getFileName() + ": " + Files.size(archive) / 1024 + " KB");
        return archive;
    }

    private static String key(Function f, String model) {
        return f.label() + "-" + model;
    }

    /** The handler string, with the model's class name filled in where the function has one per model. */
    private static String handler(Function f, String model) {
        return f.handler().formatted(Character.toUpperCase(model.charAt(0)) + model.substring(1));
    }

    // --- reports ---

    private static String coldStartTable(List<Sample> samples, List<String> models, List<String> functions) {
        StringBuilder t = new StringBuilder();
        t.append(
                "| model | function | start→answer median | p90 | min | start→ready (init done, first poll) median | first request median | peak RSS median | vs floor | vs naive |\n");
        t.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder verdicts = new StringBuilder();
        for (String model : models) {
            double floor = median(totals(samples, model, "floor")), naive = median(totals(samples, model, "naive"));
            for (String function : functions) {
                double[] total = totals(samples, model, function);
                if (total.length == 0) continue;
                double m = median(total);
                t.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | **%.0f ms** | %.0f ms | %.0f ms | %.0f ms | %.1f ms | %.0f MB | %s | %s |%n",
                        model,
                        function,
                        m,
                        percentile(total, 90),
                        Arrays.stream(total).min().orElse(0),
                        median(values(samples, model, function, Sample::readyMs)),
                        median(values(samples, model, function, Sample::requestMs)),
                        median(values(samples, model, function, s -> s.peakRssKb() / 1024.0)),
                        Double.isNaN(floor) ? "–" : String.format(Locale.ROOT, "%.2f×", m / floor),
                        Double.isNaN(naive) ? "–" : String.format(Locale.ROOT, "%.2f×", m / naive)));
            }
            for (String suffix : List.of("", "+cds")) {
                double skiff = median(totals(samples, model, "skiff" + suffix));
                double f = median(totals(samples, model, "floor" + suffix)),
                        n = median(totals(samples, model, "naive" + suffix));
                if (Double.isNaN(skiff) || Double.isNaN(f) || Double.isNaN(n)) continue;
                double pairedFloor = pairedRatio(samples, model, "skiff" + suffix, "floor" + suffix);
                double pairedNaive = pairedRatio(samples, model, "skiff" + suffix, "naive" + suffix);
                verdicts.append(String.format(
                        Locale.ROOT,
                        "- %s%s: Skiff / floor = **%.2f** (goal ≤ 1.30: %s; median of per-round ratios %.2f), "
                                + "Skiff / naive = **%.2f** (goal ≤ 0.60: %s; median of per-round ratios %.2f)%n",
                        model,
                        suffix.isEmpty() ? "" : " (all three with AppCDS)",
                        skiff / f,
                        skiff / f <= 1.3 ? "met" : "MISSED",
                        pairedFloor,
                        skiff / n,
                        skiff / n <= 0.6 ? "met" : "MISSED",
                        pairedNaive));
            }
        }
        return t.append('\n').append(verdicts).toString();
    }

    /** The median over rounds of a/b within each round: the two ran next to each other, so noise that lasts a round cancels. */
    private static double pairedRatio(List<Sample> samples, String model, String a, String b) {
        Map<Integer, Double> as = new TreeMap<>(), bs = new TreeMap<>();
        for (Sample s : samples) {
            if (!s.model().equals(model)) continue;
            if (s.function().equals(a)) as.put(s.round(), s.totalMs());
            if (s.function().equals(b)) bs.put(s.round(), s.totalMs());
        }
        return median(as.keySet().stream()
                .filter(bs::containsKey)
                .mapToDouble(r -> as.get(r) / bs.get(r))
                .toArray());
    }

    private static double[] totals(List<Sample> samples, String model, String function) {
        return values(samples, model, function, Sample::totalMs);
    }

    private static double[] values(
            List<Sample> samples, String model, String function, java.util.function.ToDoubleFunction<Sample> value) {
        return samples.stream()
                .filter(s -> s.model().equals(model) && s.function().equals(function))
                .mapToDouble(value)
                .toArray();
    }

    static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * Where Skiff's cold start goes: from the interleaved runs, the JVM and client start (the hello
     * function's first poll), Skiff's init beyond it, and the first request; then, in separate fresh JVMs
     * with the same flags, Skiff's init phase by phase ({@link SkiffInitBreakdown}).
     */
    private String breakdown(Path skiffRoot, List<String> models, int runs, List<Sample> samples) throws Exception {
        StringBuilder t = new StringBuilder("Where Skiff's cold start goes (medians):\n\n");
        Map<String, Map<String, List<Double>>> phases = new LinkedHashMap<>();
        for (int round = 0; round < runs; round++) {
            for (String model : models) {
                Map<String, Double> one = inProcessPhases(skiffRoot, model);
                one.forEach((phase, ms) -> phases.computeIfAbsent(model, m -> new LinkedHashMap<>())
                        .computeIfAbsent(phase, p -> new ArrayList<>())
                        .add(ms));
            }
        }
        t.append("| phase |");
        for (String model : models)
            t.append(" ").append(model).append(" skiff | ").append(model).append(" floor |");
        t.append("\n|---|").append("---:|".repeat(2 * models.size())).append('\n');
        String[] rows = {
            "JVM + runtime client start (hello: start→first poll)",
            "init beyond that (function − hello, start→first poll)",
            "first request (first poll→answer)"
        };
        for (int row = 0; row < rows.length; row++) {
            t.append("| ").append(rows[row]).append(" |");
            for (String model : models) {
                double hello = median(values(samples, model, "hello", Sample::readyMs));
                for (String function : List.of("skiff", "floor")) {
                    double v = switch (row) {
                        case 0 -> hello;
                        case 1 -> median(values(samples, model, function, Sample::readyMs)) - hello;
                        default -> median(values(samples, model, function, Sample::requestMs));
                    };
                    t.append(Double.isNaN(v) ? " – |" : String.format(Locale.ROOT, " %.1f ms |", v));
                }
            }
            t.append('\n');
        }
        List<String> phaseNames = new ArrayList<>();
        for (Map<String, List<Double>> perModel : phases.values())
            for (String p : perModel.keySet()) if (!phaseNames.contains(p)) phaseNames.add(p);
        for (String phase : phaseNames) {
            t.append("| Skiff in-process: ").append(phase).append(" |");
            for (String model : models) {
                List<Double> v = phases.getOrDefault(model, Map.of()).get(phase);
                t.append(
                        v == null
                                ? " – |"
                                : String.format(
                                        Locale.ROOT,
                                        " %.1f ms |",
                                        median(v.stream()
                                                .mapToDouble(Double::doubleValue)
                                                .toArray())));
                t.append(" |");
            }
            t.append('\n');
        }
        t.append("\nThe first three rows come from the interleaved runs above. The Skiff in-process rows come from ")
                .append(runs)
                .append(
                        " separate fresh JVMs per model with the same flags, running Skiff's init steps from a plain main "
                                + "(SkiffInitBreakdown, application class loader instead of the client's), so they add up only roughly.\n");
        return t.toString();
    }

    private Map<String, Double> inProcessPhases(Path skiffRoot, String model) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(lambdaJvmFlags(model));
        command.addAll(extraJvmArgs);
        command.addAll(skiffOnlyFlags);
        command.add("-classpath");
        Path harnessClasses = Path.of(ColdStartHarness.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        command.add(skiffRoot + ":" + skiffRoot + "/lib/*:" + ricClasspath() + ":" + harnessClasses);
        command.add(SkiffInitBreakdown.class.getName());
        command.add(model);
        Path eventFile = runsDir.resolve("event-" + model + ".json");
        Files.write(eventFile, events.get(model));
        command.add(eventFile.toString());
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(skiffRoot.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment()
                .putAll(lambdaEnvironment(new Function("skiff", skiffRoot, "-", false), model, "127.0.0.1:9"));
        Map<String, Double> phases = new LinkedHashMap<>();
        long start = System.nanoTime();
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("phase main"))
                    phases.put("JVM start to main() (plain java, no client)", millis(System.nanoTime() - start));
                else if (line.startsWith("phase ")) {
                    String[] parts = line.substring(6).split("\t");
                    phases.put(parts[0], Double.parseDouble(parts[1]));
                } else output.append(line).append('\n');
            }
        }
        if (process.waitFor() != 0) throw new IllegalStateException("SkiffInitBreakdown failed:\n" + output);
        return phases;
    }

    /** How many classes each function loads by its first answer, and how many of them came from a CDS archive. */
    private String classCounts(Map<String, List<Function>> functions, List<String> models) throws Exception {
        StringBuilder t =
                new StringBuilder("Classes loaded by the first answer (one extra run each, -Xlog:class+load):\n\n");
        t.append("| model | function | classes loaded | from CDS archive |\n|---|---|---:|---:|\n");
        for (String model : models) {
            for (Function f : functions.get(model)) {
                Path file = runsDir.resolve("classes-" + key(f, model) + ".log");
                runOnce(f, model, 0, List.of("-Xlog:class+load=info:file=" + file));
                long total, shared;
                try (Stream<String> lines = Files.lines(file)) {
                    List<String> all = lines.filter(l -> l.contains("source:")).toList();
                    total = all.size();
                    shared = all.stream()
                            .filter(l -> l.contains("shared objects file"))
                            .count();
                }
                t.append(String.format(Locale.ROOT, "| %s | %s | %d | %d |%n", model, f.label(), total, shared));
            }
        }
        return t.toString();
    }

    // --- helpers ---

    private void print(String line) {
        System.out.println(line);
        log.append(line).append('\n');
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static String abbreviate(String s) {
        return s.length() > 4000 ? s.substring(0, 2000) + "\n...\n" + s.substring(s.length() - 2000) : s;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) Files.createDirectories(target);
                else Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
