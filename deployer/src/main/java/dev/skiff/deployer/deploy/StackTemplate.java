package dev.skiff.deployer.deploy;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.packaging.PackageManifest;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.deployer.template.TemplateModel;
import dev.skiff.deployer.template.TemplateRenderer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The template for what package built: each Lambda .zip at its code location, each GPU-pool model's routes. */
public final class StackTemplate {
    private StackTemplate() {}

    /** @param codeUri where each Lambda model's .zip is (s3:// for AWS, a local path for the emulator) */
    public static String render(PackageManifest manifest, Function<PackagedModel, String> codeUri) {
        List<TemplateModel> models = new ArrayList<>();
        for (PackagedModel m : manifest.models()) {
            if (m.target().equals("lambda") && !m.isLambdaZip()) {
                throw new UserError("model '" + m.name() + "' ships as a Lambda container image (" + m.artifact() + "): skiff "
                        + "deploy handles .zip packages only so far; build and push that image (its Dockerfile says how) and "
                        + "deploy it with sam, or lower the package below 250 MB");
            }
            models.add(new TemplateModel(m.name(), m.target().equals("lambda"), m.isLambdaZip() ? codeUri.apply(m) : null,
                    m.memoryMb(), m.architecture(), m.versions()));
        }
        return TemplateRenderer.render(models);
    }

    /** Parameters the rendered template declares that need a value from the person: the GPU pool's. */
    public static List<String> requiredParameters(PackageManifest manifest) {
        boolean pool = manifest.models().stream().anyMatch(m -> m.target().equals("gpu-pool"));
        return pool ? List.of("GpuPoolVpcLinkId", "GpuPoolListenerArn") : List.of();
    }

    public static void checkParameters(PackageManifest manifest, Map<String, String> given) {
        for (String name : requiredParameters(manifest)) {
            if (!given.containsKey(name)) {
                throw new UserError("GPU-pool models need --parameter-overrides " + name + "=... (the pool's VPC link id and "
                        + "ALB listener ARN, from the pool's stack outputs)");
            }
        }
    }
}
