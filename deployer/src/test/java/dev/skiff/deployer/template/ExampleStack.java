package dev.skiff.deployer.template;

import dev.skiff.deployer.deploy.StackTemplate;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The example models as sam/template.yaml serves them: fraud on Lambda, minilm on Lambda or the
 * GPU pool (its config allows both; the plan picks Lambda); fraud's captures are shipped to S3 and
 * checked for drift hourly. Each function is what {@code skiff
 * deploy} gives a Lambda model ({@link StackTemplate#lambdaFunction}: the canary alias, the shortest
 * timeout), with memory and p99 alarm from the example's config.json as the plan takes them; the
 * planned timeouts are measured, so they are written here (the plan's rule with laptop headroom).
 * <p>{@code main} rewrites sam/template.yaml after a fragment changed; SamApplicationTemplateTest
 * fails until it does.
 */
public final class ExampleStack {
    /** Both functions run the build's Lambda layout, which holds both models; SKIFF_MODELS picks one. */
    static final String CODE_URI = "../function-runtime/lambda/target/lambda";
    /** fraud's config captures every request; its drift function is the monitoring module's Lambda layout. */
    static final String DRIFT_CODE_URI = "../monitoring/target/lambda";
    /** Both example configs have a "batch" section; 100 child executions at once stays inside a new account's Lambda concurrency. */
    static final int BATCH_CONCURRENCY = 100;

    private ExampleStack() {}

    static List<TemplateModel> models() {
        return List.of(
                TemplateModel.onLambda("fraud", List.of("1"), function("fraud", 10))
                        .withBatch(new TemplateModel.Batch(BATCH_CONCURRENCY))
                        .withDriftMonitor(new TemplateModel.DriftMonitor(DRIFT_CODE_URI)),
                TemplateModel.onEither("minilm", List.of("1"), function("minilm", 30), Target.LAMBDA)
                        .withBatch(new TemplateModel.Batch(BATCH_CONCURRENCY)));
    }

    /** The deployer's function for an example model: its config's memory and latency objective, the given plan timeout. */
    private static TemplateModel.LambdaFunction function(String model, int plannedTimeoutSeconds) {
        Path examples = Path.of(System.getProperty("skiff.examples.models", "../examples/models"));
        ModelConfig config = ModelConfig.read(examples.resolve(model));
        return StackTemplate.lambdaFunction(
                CODE_URI, config.memoryMb(), plannedTimeoutSeconds, config.latencyObjectiveMs());
    }

    static String render() {
        return TemplateRenderer.render(models(), new StackOptions("arm64", "../examples/models"));
    }

    /** @param args the repository root (default: the working directory, or its parent when run from deployer/) */
    public static void main(String[] args) throws IOException {
        Path here = Path.of("").toAbsolutePath();
        Path root =
                args.length > 0 ? Path.of(args[0]) : Files.isDirectory(here.resolve("sam")) ? here : here.getParent();
        Path file = root.resolve("sam/template.yaml");
        Files.writeString(file, render());
        System.out.println("wrote " + file);
    }
}
