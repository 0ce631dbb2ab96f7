package dev.skiff.deployer.packaging;

import dev.skiff.deployer.plan.ModelPlan;
import dev.skiff.deployer.plan.PackageType;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.store.Checksums;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds what each planned model's target needs under one output directory: a Lambda .zip
 * ({@code <name>/function.zip}), a Lambda container image build context for models too big for a
 * .zip ({@code <name>/lambda-image/}), and one build context for the GPU pool's models
 * ({@code gpu-pool/}) layered on the gpu-fallback image.
 */
public final class Packager {
    /** The GPU pool's base image, built from gpu-fallback/Dockerfile (see gpu-fallback's README). */
    public static final String GPU_BASE_IMAGE = "skiff-gpu-fallback:latest";

    static final String LAMBDA_BASE_IMAGE = "public.ecr.aws/lambda/java:21";

    private final FunctionPackager function;
    private final Architecture architecture;
    private final Consumer<String> progress;

    public Packager(FunctionRuntimeFiles files, Architecture architecture, Consumer<String> progress) {
        this.function = new FunctionPackager(files, architecture);
        this.architecture = architecture;
        this.progress = progress;
    }

    public PackageManifest packageAll(List<ModelPlan> plans, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Path work = outDir.resolve("work");
        deleteRecursively(work);
        List<PackagedModel> built = new ArrayList<>();
        List<ModelPlan> pool = new ArrayList<>();
        for (ModelPlan plan : plans) {
            if (plan.target() == Target.GPU_POOL) {
                pool.add(plan);
            } else if (plan.packageType() == PackageType.ZIP) {
                built.add(zip(plan, outDir, work));
            } else {
                built.add(lambdaImage(plan, outDir, work));
            }
        }
        if (!pool.isEmpty()) built.addAll(poolImage(pool, outDir, work));
        deleteRecursively(work);
        PackageManifest manifest = new PackageManifest(architecture.lambdaName, List.copyOf(built));
        if (manifest.anyCaptures()) {
            progress.accept("writing the drift function " + outDir.resolve(DriftFunctionPackage.ZIP));
            DriftFunctionPackage.write(outDir);
        }
        manifest.write(outDir);
        return manifest;
    }

    private PackagedModel zip(ModelPlan plan, Path outDir, Path work) throws IOException {
        Path zip = outDir.resolve(plan.name()).resolve("function.zip");
        progress.accept(plan.name() + ": writing " + zip + " (" + architecture + ")");
        long unzipped;
        try (ZipSink sink = new ZipSink(zip)) {
            function.writeFunction(sink);
            function.writeModel(sink, plan.model(), work);
            unzipped = sink.unzippedBytes();
        }
        return new PackagedModel(
                plan.name(),
                Target.LAMBDA,
                PackageType.ZIP.label,
                architecture.lambdaName,
                zip,
                Checksums.sha256(zip),
                unzipped,
                Files.size(zip),
                plan.memoryMb(),
                plan.model().versions(),
                plan.timeoutSeconds(),
                plan.latencyAlarmMs(),
                plan.batch(),
                capture(plan));
    }

    private PackagedModel lambdaImage(ModelPlan plan, Path outDir, Path work) throws IOException {
        Path context = outDir.resolve(plan.name()).resolve("lambda-image");
        deleteRecursively(context);
        progress.accept(plan.name() + ": writing the Lambda image build context " + context);
        long unzipped;
        try (DirectorySink sink = new DirectorySink(context.resolve("task"))) {
            function.writeFunction(sink);
            function.writeModel(sink, plan.model(), work);
            unzipped = sink.unzippedBytes();
        }
        String dockerfile = """
                # Lambda container image for model '%s' (too big for a .zip), written by skiff package.
                # docker build --platform linux/%s -t %s .
                FROM --platform=linux/%s %s
                COPY task/ ${LAMBDA_TASK_ROOT}/
                ENV SKIFF_MODELS=%s
                CMD ["dev.skiff.runtime.lambda.SkiffHandler::handleRequest"]
                """.formatted(
                        plan.name(),
                        dockerPlatform(),
                        "skiff-" + plan.name(),
                        dockerPlatform(),
                        LAMBDA_BASE_IMAGE,
                        plan.name());
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        return new PackagedModel(
                plan.name(),
                Target.LAMBDA,
                PackageType.IMAGE.label,
                architecture.lambdaName,
                context,
                null,
                unzipped,
                0,
                plan.memoryMb(),
                plan.model().versions(),
                plan.timeoutSeconds(),
                plan.latencyAlarmMs(),
                plan.batch(),
                capture(plan));
    }

    private List<PackagedModel> poolImage(List<ModelPlan> plans, Path outDir, Path work) throws IOException {
        Path context = outDir.resolve("gpu-pool");
        deleteRecursively(context);
        List<PackagedModel> built = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ModelPlan plan : plans) {
            progress.accept(plan.name() + ": adding to the GPU pool's image build context " + context);
            long unzipped;
            try (DirectorySink sink = new DirectorySink(context)) {
                function.writeModel(sink, plan.model(), work);
                unzipped = sink.unzippedBytes();
            }
            names.add(plan.name());
            built.add(new PackagedModel(
                    plan.name(),
                    Target.GPU_POOL,
                    "pool-image",
                    "x86_64",
                    context,
                    null,
                    unzipped,
                    0,
                    null,
                    plan.model().versions(),
                    null,
                    null,
                    plan.batch(),
                    capture(plan)));
        }
        String dockerfile = """
                # The GPU pool's image: the gpu-fallback server (gpu-fallback/Dockerfile) with these models, written by skiff package.
                # 1. the base image:  docker build -f gpu-fallback/Dockerfile -t %s .   (from the repository root)
                # 2. this image:      docker build -t skiff-gpu-pool %s
                FROM %s
                COPY models/ /opt/skiff/models/
                ENV SKIFF_MODEL_REPOSITORY=/opt/skiff/models SKIFF_MODELS=%s
                """.formatted(GPU_BASE_IMAGE, context, GPU_BASE_IMAGE, String.join(",", names));
        Files.writeString(context.resolve("Dockerfile"), dockerfile, StandardCharsets.UTF_8);
        return built;
    }

    /** The config's capture section where it captures, which package.json carries for deploy to render. */
    private static ModelConfig.Capture capture(ModelPlan plan) {
        ModelConfig.Capture capture = plan.model().config().capture();
        return capture.on() ? capture : null;
    }

    private String dockerPlatform() {
        return architecture == Architecture.ARM64 ? "arm64" : "amd64";
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
