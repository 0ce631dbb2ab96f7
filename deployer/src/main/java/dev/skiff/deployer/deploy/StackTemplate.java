package dev.skiff.deployer.deploy;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.deployer.template.StackOptions;
import dev.skiff.deployer.template.TemplateModel;
import dev.skiff.deployer.template.TemplateRenderer;
import dev.skiff.runtime.contract.Target;
import dev.skiff.store.Checksums;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The template for what package built: each Lambda .zip at its code location, each GPU-pool model on the pool. */
public final class StackTemplate {
    /** Where package puts the GPU pool's models, relative to the package directory that holds template.yaml. */
    static final String POOL_MODELS = "gpu-pool/models";
    /** Defaults for a package.json written before the plan carried them: API Gateway's limit, and 80% of it. */
    private static final int DEFAULT_TIMEOUT_SECONDS = 30;
    /**
     * The shortest timeout a function gets, whatever the plan measured: the first request after a
     * deploy or a scale-out pays a snapshot restore, and a laptop's emulator is slower than Lambda.
     * The p99 alarm, not the timeout, is what catches a slow version.
     */
    static final int MIN_TIMEOUT_SECONDS = 10;
    /** Every Lambda model's second alias, with its own route: where a version is tried before live. */
    static final String CANARY_ALIAS = "canary";
    /** The template's default of its Runtime parameter. */
    public static final String DEFAULT_RUNTIME = "java21";

    private StackTemplate() {}

    /** The template for the template's default runtime, for a package whose models capture nothing. */
    public static String render(PackageManifest manifest, Function<PackagedModel, String> codeUri) {
        return render(manifest, codeUri, null, DEFAULT_RUNTIME);
    }

    /**
     * @param codeUri where each Lambda model's .zip is (s3:// for AWS, a local path for the emulator)
     * @param driftCodeUri where the drift function's .zip is, for a package with a capturing model; else null
     * @param runtime the runtime this deploy gives the functions: part of each version's key
     */
    public static String render(
            PackageManifest manifest, Function<PackagedModel, String> codeUri, String driftCodeUri, String runtime) {
        List<TemplateModel> models = new ArrayList<>();
        for (PackagedModel m : manifest.models()) {
            if (m.target() == Target.LAMBDA && !m.isLambdaZip()) {
                throw new UserError(
                        "model '" + m.name() + "' ships as a Lambda container image (" + m.artifact() + "): skiff "
                                + "deploy handles .zip packages only so far; build and push that image (its Dockerfile says how) and "
                                + "deploy it with sam, or lower the package below 250 MB");
            }
            TemplateModel model;
            if (m.isLambdaZip()) {
                TemplateModel.LambdaFunction function =
                        lambdaFunction(codeUri.apply(m), m.memoryMb(), m.timeoutSeconds(), m.latencyAlarmMs());
                String versionKey = versionKey(m, runtime, manifest.architecture(), function.timeoutSeconds());
                model = TemplateModel.onLambda(m.name(), m.versions(), function.withVersionKey(versionKey));
            } else {
                model = TemplateModel.onGpuPool(m.name(), m.versions());
            }
            if (m.batch() != null) model = model.withBatch(new TemplateModel.Batch(m.batch()));
            if (m.capture() != null) model = model.withDriftMonitor(driftMonitor(m, driftCodeUri));
            models.add(model);
        }
        return TemplateRenderer.render(models, new StackOptions(manifest.architecture(), POOL_MODELS));
    }

    /** A capturing model's captures go to S3 and its drift function checks them; package zipped that function. */
    private static TemplateModel.DriftMonitor driftMonitor(PackagedModel model, String driftCodeUri) {
        if (driftCodeUri == null) {
            throw new IllegalArgumentException(
                    "model '" + model.name() + "' captures, so the template needs the drift function's code location");
        }
        return new TemplateModel.DriftMonitor(driftCodeUri);
    }

    /**
     * The function a Lambda model gets from its plan, for every template rendered (sam/template.yaml's
     * too): at least {@link #MIN_TIMEOUT_SECONDS}, the canary alias, the plan's latency alarm (80% of
     * the timeout without one); no version key, which SAM's own hash then stands for.
     *
     * @param plannedTimeoutSeconds the plan's timeout, or null for a package.json from before the plan carried it
     * @param latencyAlarmMs the plan's p99 alarm, or null likewise
     */
    public static TemplateModel.LambdaFunction lambdaFunction(
            String codeUri, int memoryMb, Integer plannedTimeoutSeconds, Integer latencyAlarmMs) {
        int planned = plannedTimeoutSeconds != null ? plannedTimeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
        int alarm = latencyAlarmMs != null ? latencyAlarmMs : planned * 800;
        int timeout = Math.max(MIN_TIMEOUT_SECONDS, planned);
        return new TemplateModel.LambdaFunction(codeUri, memoryMb, timeout, alarm, List.of(CANARY_ALIAS));
    }

    /**
     * What SAM's version id is made of once AutoPublishCodeSha256 is set (its first 10 characters
     * replace SAM's own hash): everything a published version freezes that a deploy may change.
     */
    static String versionKey(PackagedModel model, String runtime, String architecture, int timeoutSeconds) {
        String inputs = String.join(
                "\n",
                model.sha256(),
                runtime,
                architecture,
                String.valueOf(model.memoryMb()),
                String.valueOf(timeoutSeconds));
        return Checksums.sha256(inputs.getBytes(StandardCharsets.UTF_8));
    }

    /** Parameters the rendered template needs a value for from the person: where the GPU pool's image is. */
    public static List<String> requiredParameters(PackageManifest manifest) {
        boolean pool = manifest.models().stream().anyMatch(m -> m.target() == Target.GPU_POOL);
        return pool ? List.of("GpuImageRepository") : List.of();
    }

    public static void checkParameters(PackageManifest manifest, Map<String, String> given) {
        for (String name : requiredParameters(manifest)) {
            if (!given.containsKey(name)) {
                throw new UserError(
                        "GPU-pool models need --parameter-overrides " + name + "=REPOSITORY: an ECR repository of "
                                + "this account and region holding the image built from the package's "
                                + POOL_MODELS.split("/")[0]
                                + "/ directory (its Dockerfile says how), optionally with GpuImageTag=TAG");
            }
        }
    }
}
