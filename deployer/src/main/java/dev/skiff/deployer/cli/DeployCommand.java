package dev.skiff.deployer.cli;

import static dev.skiff.deployer.report.Sizes.bytes;

import dev.skiff.deployer.aws.AwsClients;
import dev.skiff.deployer.aws.AwsSettings;
import dev.skiff.deployer.deploy.ArtifactUploader;
import dev.skiff.deployer.deploy.ChangeSetDeployer;
import dev.skiff.deployer.deploy.DeployOutcome;
import dev.skiff.deployer.deploy.DeployRequest;
import dev.skiff.deployer.deploy.LocalRelease;
import dev.skiff.deployer.deploy.PoolPublisher;
import dev.skiff.deployer.deploy.StackTemplate;
import dev.skiff.deployer.packaging.DriftFunctionPackage;
import dev.skiff.deployer.packaging.FunctionRuntimeFiles;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.deployer.packaging.Packager;
import dev.skiff.deployer.plan.ModelPlan;
import dev.skiff.deployer.release.LambdaFunctions;
import dev.skiff.deployer.release.PoolStores;
import dev.skiff.deployer.template.TemplateParameters;
import dev.skiff.runtime.contract.Target;
import dev.skiff.store.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code skiff deploy}: uploads what package built, renders the template, and applies it through a change set. */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = {
            "Upload the packages skiff package built to S3, render the SAM template for them, and create or "
                    + "update the CloudFormation stack through a change set, shown before it executes.",
            "",
            "With --local, release to a running `skiff local start-api` instead: package the model directories "
                    + "for this machine, update each model's function code through the emulator's Lambda API, "
                    + "publish a version and point --alias (canary) at it; then skiff promote/rollback/status "
                    + "--local move traffic as on AWS."
        })
public final class DeployCommand implements Callable<Integer> {
    @Mixin
    AwsOptions aws;

    @Option(names = "--stack", defaultValue = "skiff", description = "stack name (default: ${DEFAULT-VALUE})")
    String stack;

    @Option(
            names = "--package-dir",
            defaultValue = ".skiff",
            description = "what skiff package wrote (default: ${DEFAULT-VALUE})")
    Path packageDir;

    @Option(names = "--bucket", description = "S3 bucket for packages (default: skiff-artifacts-ACCOUNT-REGION)")
    String bucket;

    @Option(names = "--create-bucket", description = "create the bucket when it does not exist")
    boolean createBucket;

    @Option(
            names = "--runtime",
            description = "Lambda runtime: java21 or java25 (default: what the stack has, java21 for a new one)")
    String runtime;

    @Option(
            names = "--parameter-overrides",
            arity = "1..*",
            paramLabel = "KEY=VALUE",
            description =
                    "template parameters, e.g. GpuImageRepository=skiff-gpu-pool AuthType=JWT JwtIssuer=https://...")
    Map<String, String> parameterOverrides = new LinkedHashMap<>();

    @Option(
            names = "--pool-store",
            paramLabel = "s3://BUCKET/PREFIX",
            description = "publish the GPU-pool models' versions to the pool's model store, which every task "
                    + "syncs from (no image build for a new version); the stack's PoolStoreBucket and PoolStorePrefix")
    String poolStore;

    @Option(
            names = {"-y", "--yes"},
            description = "execute the change set without asking")
    boolean yes;

    @Option(
            names = "--poll-seconds",
            defaultValue = "5",
            description = "how often to read stack events (default: ${DEFAULT-VALUE})")
    double pollSeconds;

    @Option(
            names = "--local",
            description = "release MODEL_DIRs to a running `skiff local start-api` (its Lambda API at --endpoint-url, "
                    + "default http://127.0.0.1:3001) instead of AWS")
    boolean local;

    @Parameters(
            arity = "0..*",
            paramLabel = "MODEL_DIR",
            description = "--local: model directories or repositories of them to package and release (default: models)")
    List<Path> modelDirs = new ArrayList<>();

    @Option(
            names = "--alias",
            defaultValue = "canary",
            description = "--local: the alias to point at the new version (default: ${DEFAULT-VALUE})")
    String alias;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (local) return deployLocal(out);
        if (!modelDirs.isEmpty()) {
            throw new UserError("skiff deploy uploads what skiff package wrote (--package-dir " + packageDir
                    + "); model directories are for --local");
        }
        PackageManifest manifest = PackageManifest.read(packageDir);
        StackTemplate.checkParameters(manifest, parameterOverrides);
        AwsClients clients = aws.clients();
        try (S3Client s3 = clients.s3();
                CloudFormationClient cloudFormation = clients.cloudFormation()) {
            String bucketName = bucket != null ? bucket : defaultBucket(clients);
            ArtifactUploader uploader = new ArtifactUploader(s3, bucketName, "skiff/" + stack + "/", line -> {
                out.println(line);
                out.flush();
            });
            uploader.ensureBucket(createBucket || bucket == null, clients.region());
            Map<String, String> codeUris = new HashMap<>();
            for (PackagedModel model : manifest.models()) {
                if (model.isLambdaZip()) codeUris.put(model.name(), uploader.upload(model));
            }
            String driftCodeUri =
                    manifest.anyCaptures() ? uploader.upload(DriftFunctionPackage.read(packageDir)) : null;
            publishPoolVersions(manifest, clients, out);
            ChangeSetDeployer deployer = new ChangeSetDeployer(
                    cloudFormation, out, Duration.ofMillis((long) (pollSeconds * 1000)), Duration.ofMinutes(60));
            // a parameter not given keeps the stack's value, so the runtime the versions are keyed on is that one
            String effectiveRuntime = runtime != null
                    ? runtime
                    : deployer.currentParameters(stack).getOrDefault("Runtime", StackTemplate.DEFAULT_RUNTIME);
            String template =
                    StackTemplate.render(manifest, m -> codeUris.get(m.name()), driftCodeUri, effectiveRuntime);
            Files.writeString(packageDir.resolve("template.yaml"), template, StandardCharsets.UTF_8);
            out.println("Rendered " + packageDir.resolve("template.yaml"));
            boolean inline = template.getBytes(StandardCharsets.UTF_8).length <= DeployRequest.MAX_TEMPLATE_BODY_BYTES;
            Map<String, String> parameters = new LinkedHashMap<>();
            if (runtime != null) parameters.put("Runtime", runtime);
            parameters.putAll(parameterOverrides);
            DeployRequest request = new DeployRequest(
                    stack,
                    inline ? template : null,
                    inline ? null : uploader.uploadTemplate(stack, template),
                    parameters,
                    TemplateParameters.declared(template));
            DeployOutcome outcome = deployer.deploy(request, this::confirm);
            return switch (outcome) {
                case DEPLOYED, NO_CHANGES -> ExitCodes.OK;
                case DECLINED -> ExitCodes.DECLINED;
                case FAILED -> ExitCodes.DEPLOY_FAILED;
            };
        }
    }

    /** Packages for this machine into PACKAGE_DIR/local, then one new version per Lambda model, behind --alias. */
    private int deployLocal(PrintWriter out) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        AwsSettings settings = AwsSettings.local(aws.endpoint, aws.region);
        try (LambdaClient lambda = new AwsClients(settings).lambda()) {
            LambdaFunctions.byModel(lambda, null); // no emulator answering: say so before planning and packaging
            PlanOptions planOptions = PlanOptions.forThisMachine(modelDirs);
            List<ModelPlan> plans = planOptions.plan(err);
            Packager packager = new Packager(
                    FunctionRuntimeFiles.locate(), planOptions.architecture(), line -> err.println("package: " + line));
            PackageManifest manifest = packager.packageAll(plans, packageDir.resolve("local"));
            err.flush();
            LocalRelease release = new LocalRelease(lambda);
            for (PackagedModel model : manifest.models()) {
                if (!model.isLambdaZip()) {
                    out.println(model.name() + ": skipped, it is a "
                            + model.target().wireName() + " " + model.packageType()
                            + " package; the emulator runs Lambda .zip packages (the local GPU pool serves the "
                            + "template's model directories)");
                    continue;
                }
                LocalRelease.Released released = release.release(model, alias);
                out.printf(
                        "%s: %s version %s %s (CodeSha256 %s, %s; model versions %s)%n",
                        model.name(),
                        released.function(),
                        released.version(),
                        released.newVersion() ? "published" : "unchanged",
                        released.codeSha256(),
                        bytes(released.codeSize()),
                        String.join(", ", model.versions()));
                out.printf(
                        "%s %s: alias %s %s -> %s%n",
                        model.name(),
                        model.target(),
                        alias,
                        released.before() == null ? "(new)" : released.before().describe(),
                        released.after().describe());
                out.printf(
                        "  next: skiff promote %s --to %s --canary 10 --local%s%n",
                        model.name(),
                        released.version(),
                        aws.endpoint == null ? "" : " --endpoint-url " + settings.endpoint());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The pool's versions go to its store before the stack changes, so a task that starts finds them. */
    private void publishPoolVersions(PackageManifest manifest, AwsClients clients, PrintWriter out) {
        List<PackagedModel> pool = manifest.models().stream()
                .filter(m -> m.target() == Target.GPU_POOL)
                .toList();
        if (pool.isEmpty()) return;
        if (poolStore == null) {
            out.println(
                    "GPU-pool models " + pool.stream().map(PackagedModel::name).toList() + " are in the pool's "
                            + "image build context; pass --pool-store s3://BUCKET/PREFIX to publish them to the pool's store");
            return;
        }
        try (ModelStore store = PoolStores.open(poolStore, clients)) {
            PoolPublisher publisher = new PoolPublisher(store, line -> {
                out.println(line);
                out.flush();
            });
            pool.forEach(publisher::publish);
        }
    }

    private boolean confirm() {
        if (yes) return true;
        Console console = System.console();
        if (console == null) {
            throw new UserError("no terminal to ask whether to execute the change set; pass --yes to execute it");
        }
        String answer = console.readLine("Execute this change set? [y/N] ");
        return answer != null
                && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }

    private static String defaultBucket(AwsClients clients) {
        try (StsClient sts = clients.sts()) {
            String account = sts.getCallerIdentity().account();
            return "skiff-artifacts-" + account + "-" + clients.region().id();
        }
    }
}
