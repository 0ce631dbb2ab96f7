package dev.skiff.deployer.template;

import dev.skiff.runtime.contract.Target;

import java.util.ArrayList;
import java.util.List;

/** Model sets the renderer must handle besides the examples. */
final class Renderings {
    private Renderings() {}

    static TemplateModel.LambdaFunction function(String name) {
        return new TemplateModel.LambdaFunction(
                "s3://skiff-artifacts/skiff/demo/" + name + "/0123abcd.zip", 1024, 5, 200, List.of());
    }

    static String lambdaOnly() {
        return TemplateRenderer.render(
                List.of(
                        TemplateModel.onLambda("fraud", List.of("1", "2"), function("fraud")),
                        TemplateModel.onLambda("text-embed_2", List.of("3"), function("text-embed_2"))),
                new StackOptions("x86_64", "gpu-pool/models"));
    }

    static String gpuPoolOnly() {
        return TemplateRenderer.render(
                List.of(TemplateModel.onGpuPool("llm", List.of("1"))), new StackOptions("arm64", "gpu-pool/models"));
    }

    /** A model on the GPU pool alone that takes batch jobs: its state machine invokes a forwarder in the pool's VPC. */
    static String gpuPoolBatch() {
        return TemplateRenderer.render(
                List.of(TemplateModel.onGpuPool("llm", List.of("1")).withBatch(new TemplateModel.Batch(40))),
                new StackOptions("arm64", "gpu-pool/models"));
    }

    /**
     * Capturing models on both targets: fraud's function ships its own captures; llm and ranker, on the
     * GPU pool alone, share the pool's one subscription and stream; plain, on the pool, captures nothing.
     */
    static String gpuPoolCapture() {
        TemplateModel.DriftMonitor drift = new TemplateModel.DriftMonitor("s3://skiff-artifacts/skiff/demo/drift.zip");
        return TemplateRenderer.render(
                List.of(
                        TemplateModel.onLambda("fraud", List.of("1"), function("fraud"))
                                .withDriftMonitor(drift),
                        TemplateModel.onGpuPool("llm", List.of("1", "2")).withDriftMonitor(drift),
                        TemplateModel.onGpuPool("ranker", List.of("1")).withDriftMonitor(drift),
                        TemplateModel.onGpuPool("plain", List.of("1"))),
                new StackOptions("arm64", "gpu-pool/models"));
    }

    static String manyEither(int count) {
        List<TemplateModel> models = new ArrayList<>();
        for (int i = 1; i <= count; i++)
            models.add(TemplateModel.onEither(
                    "m" + i, List.of("1"), function("m" + i), i % 2 == 0 ? Target.GPU_POOL : Target.LAMBDA));
        return TemplateRenderer.render(models, new StackOptions("arm64", "gpu-pool/models"));
    }
}
