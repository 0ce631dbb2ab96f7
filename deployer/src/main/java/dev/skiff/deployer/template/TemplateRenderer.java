package dev.skiff.deployer.template;

import dev.skiff.deployer.cli.UserError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders one SAM template for a set of models from the fragments under templates/deployer/, one
 * fragment per concern: the stack and its HTTP API, auth, each model's routes, each Lambda model's
 * function and its alarms, extra aliases, a deploy-time target switch, and the GPU pool.
 */
public final class TemplateRenderer {
    private static final List<String> PARTS = List.of("parameters", "rules", "conditions", "resources", "paths",
            "securitySchemes", "integrations", "outputs");
    /** Fn::Or takes 2 to 10 conditions. */
    private static final int MAX_OR = 10;

    private final Map<String, StringBuilder> parts = new LinkedHashMap<>();
    private final Map<String, String> integrationOwners = new HashMap<>();

    private TemplateRenderer() {
        PARTS.forEach(part -> parts.put(part, new StringBuilder()));
    }

    public static String render(List<TemplateModel> models, StackOptions options) {
        if (models.isEmpty()) throw new UserError("no models to deploy; run skiff package with at least one model");
        Map<String, String> seen = new HashMap<>();
        for (TemplateModel model : models) {
            String clash = seen.put(model.logicalId(), model.name());
            if (clash != null) {
                throw new UserError("models '" + clash + "' and '" + model.name() + "' both become logical id "
                        + model.logicalId() + " in the template; rename one");
            }
        }
        return new TemplateRenderer().stack(models, options);
    }

    private String stack(List<TemplateModel> models, StackOptions options) {
        add("auth.yaml", Map.of());
        // server metadata and health go wherever the first model is served
        add("server-routes.yaml", Map.of("integration", models.getFirst().logicalId()));
        for (TemplateModel model : models) model(model);

        List<TemplateModel> pool = models.stream().filter(TemplateModel::gpuPool).toList();
        if (!pool.isEmpty()) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("poolCondition", poolCondition(pool));
            values.put("poolModels", String.join(",", pool.stream().map(TemplateModel::name).toList()));
            values.put("localModels", options.localPoolModels());
            add("gpu-pool.yaml", values);
        }

        Map<String, String> stack = new LinkedHashMap<>();
        stack.put("models", String.join(", ", models.stream().map(TemplateModel::name).toList()));
        stack.put("architecture", options.architecture());
        parts.forEach((part, text) -> stack.put(part, text.toString().stripTrailing()));
        return TemplateFragments.fill("stack.yaml", stack).replaceAll("\n{3,}", "\n\n");
    }

    private void model(TemplateModel model) {
        String id = model.logicalId();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("model", model.name());
        values.put("logicalId", id);
        values.put("versions", String.join(", ", model.versions()));
        values.put("integration", id);
        values.put("targetText", model.switchable() ? "Lambda or the GPU pool, as " + id + "Target says"
                : model.lambda() != null ? "Lambda" : "GPU pool");
        values.put("condition", model.switchable() ? "\n    Condition: " + id + "OnLambda" : "");
        if (model.switchable()) {
            values.put("defaultTarget", model.planned().wireName());
            add("model-target.yaml", values);
        }
        integration(model, id, id + "Function.Alias");
        add("model-routes.yaml", values);

        TemplateModel.LambdaFunction lambda = model.lambda();
        if (lambda == null) return;
        values.put("codeUri", lambda.codeUri());
        values.put("memoryMb", Integer.toString(lambda.memoryMb()));
        values.put("timeoutSeconds", Integer.toString(lambda.timeoutSeconds()));
        values.put("latencyAlarmMs", Integer.toString(lambda.latencyAlarmMs()));
        add("lambda-function.yaml", values);
        add("alarms.yaml", values);
        for (String alias : lambda.extraAliases()) {
            String aliasId = TemplateModel.logicalId(alias);
            Map<String, String> aliasValues = new LinkedHashMap<>(values);
            aliasValues.put("alias", alias);
            aliasValues.put("aliasId", aliasId);
            aliasValues.put("integration", id + aliasId);
            integration(model, id + aliasId, id + aliasId + "Alias");
            add("lambda-alias.yaml", aliasValues);
        }
    }

    /** The integration a model's routes share: its Lambda alias, the GPU pool, or either by its Target parameter. */
    private void integration(TemplateModel model, String name, String aliasArn) {
        String owner = integrationOwners.putIfAbsent(name, model.name());
        if (owner != null) {
            throw new UserError("model '" + model.name() + "' needs integration " + name + ", which model '" + owner
                    + "' has already; rename a model or an alias");
        }
        String lambda = model.lambda() == null ? null : TemplateFragments.fill("lambda-integration.yaml", Map.of("aliasArn", aliasArn));
        String pool = model.gpuPool() ? TemplateFragments.load("gpu-integration.yaml") : null;
        StringBuilder out = parts.get("integrations").append("            ").append(name).append(":\n");
        if (lambda != null && pool != null) {
            out.append("              Fn::If:\n")
                    .append("                - ").append(model.logicalId()).append("OnGpuPool\n")
                    .append(TemplateFragments.listItem(pool, 16))
                    .append(TemplateFragments.listItem(lambda, 16));
        } else {
            out.append(TemplateFragments.indent(lambda != null ? lambda : pool, 14));
        }
    }

    /** True when any model is on the pool: always for a pool-only model, else per Target parameter. */
    private static String poolCondition(List<TemplateModel> pool) {
        List<String> fixed = pool.stream().filter(m -> m.lambda() == null).map(TemplateModel::name).toList();
        if (!fixed.isEmpty()) return "!Equals [gpu-pool, gpu-pool]  # always: the GPU pool is the only target of " + String.join(", ", fixed);
        if (pool.size() == 1) return "!Equals [!Ref " + pool.getFirst().logicalId() + "Target, gpu-pool]";
        List<String> conditions = new ArrayList<>();
        for (TemplateModel model : pool) conditions.add("!Condition " + model.logicalId() + "OnGpuPool");
        return anyOf(conditions);
    }

    private static String anyOf(List<String> conditions) {
        if (conditions.size() == 1) return conditions.getFirst();
        if (conditions.size() <= MAX_OR) return "!Or [" + String.join(", ", conditions) + "]";
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < conditions.size(); i += MAX_OR) {
            groups.add(anyOf(conditions.subList(i, Math.min(conditions.size(), i + MAX_OR))));
        }
        return anyOf(groups);
    }

    private void add(String fragment, Map<String, String> values) {
        TemplateFragments.fillParts(fragment, values).forEach((part, text) -> {
            StringBuilder slot = parts.get(part);
            if (slot == null) throw new IllegalStateException("fragment " + fragment + " has unknown part '" + part + "'");
            slot.append(text);
        });
    }
}
