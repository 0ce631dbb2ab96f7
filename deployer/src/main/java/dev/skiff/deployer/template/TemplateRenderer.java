package dev.skiff.deployer.template;

import dev.skiff.deployer.cli.UserError;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders one SAM template for a set of models from the fragments under templates/deployer/. */
public final class TemplateRenderer {
    private TemplateRenderer() {}

    public static String render(List<TemplateModel> models) {
        if (models.isEmpty()) throw new UserError("no models to deploy; run skiff package with at least one model");
        Map<String, String> seen = new HashMap<>();
        for (TemplateModel model : models) {
            String clash = seen.put(model.logicalId(), model.name());
            if (clash != null) {
                throw new UserError("models '" + clash + "' and '" + model.name() + "' both become logical id "
                        + model.logicalId() + " in the template; rename one");
            }
        }
        StringBuilder parameters = new StringBuilder();
        StringBuilder resources = new StringBuilder();
        StringBuilder outputs = new StringBuilder();
        boolean serverRoutesPlaced = false;
        boolean anyPool = false;
        for (TemplateModel model : models) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("model", model.name());
            values.put("logicalId", model.logicalId());
            values.put("versions", String.join(", ", model.versions()));
            if (model.lambda()) {
                values.put("codeUri", model.codeUri());
                values.put("memoryMb", Integer.toString(model.memoryMb()));
                values.put("architecture", model.architecture());
                // the server-wide routes (/v2, health) go to the first Lambda function
                values.put("serverRoutes", serverRoutesPlaced ? "" : TemplateFragments.load("lambda-server-routes.yaml"));
                serverRoutesPlaced = true;
                resources.append(TemplateFragments.fill("lambda-function.yaml", values));
                outputs.append(TemplateFragments.fill("lambda-function-outputs.yaml", values));
            } else {
                anyPool = true;
                resources.append(TemplateFragments.fill("gpu-model-routes.yaml", values));
                outputs.append(TemplateFragments.fill("gpu-model-outputs.yaml", values));
            }
        }
        if (anyPool) parameters.append(TemplateFragments.load("gpu-pool-parameters.yaml"));
        Map<String, String> stack = new LinkedHashMap<>();
        stack.put("models", String.join(", ", models.stream().map(TemplateModel::name).toList()));
        stack.put("parameters", parameters.toString());
        stack.put("resources", resources.toString());
        stack.put("outputs", outputs.toString());
        return TemplateFragments.fill("stack.yaml", stack).replaceAll("\n{3,}", "\n\n");
    }
}
