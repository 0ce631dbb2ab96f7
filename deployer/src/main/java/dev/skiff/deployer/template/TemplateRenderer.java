package dev.skiff.deployer.template;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.plan.BatchPlan;
import dev.skiff.runtime.contract.Target;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Renders one SAM template for a set of models from the fragments under templates/deployer/, one
 * fragment per concern: the stack and its HTTP API, auth, each model's routes, each Lambda model's
 * function and its alarms, extra aliases, a deploy-time target switch, and the GPU pool. Each
 * fragment is merged, as YAML nodes, into the stack it starts from (stack.yaml); the library's
 * serializer writes the result.
 */
public final class TemplateRenderer {
    /** Where the HTTP API's integrations are in the stack. */
    private static final List<String> INTEGRATIONS = List.of(
            "Resources",
            "InferenceApi",
            "Properties",
            "DefinitionBody",
            "components",
            "x-amazon-apigateway-integrations");
    /** Fn::Or takes 2 to 10 conditions. */
    private static final int MAX_OR = 10;
    /** What a GPU-pool model's batch state machine invokes. */
    private static final String INVOKER_TEXT = "the live alias of its invoker in the GPU pool's VPC";

    private final MappingNode stack;
    private final Map<String, String> integrationOwners = new HashMap<>();
    private String
            stackModels; // every model's name, comma-separated: each function's and pool task's SKIFF_STACK_MODELS

    private TemplateRenderer(MappingNode stack) {
        this.stack = stack;
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
        Map<String, String> values = new LinkedHashMap<>();
        values.put(
                "models",
                String.join(", ", models.stream().map(TemplateModel::name).toList()));
        values.put("architecture", options.architecture());
        TemplateRenderer renderer = new TemplateRenderer(TemplateFragments.fill("stack.yaml", values));
        renderer.models(models, options);
        return TemplateYaml.write(renderer.stack);
    }

    private void models(List<TemplateModel> models, StackOptions options) {
        stackModels = String.join(",", models.stream().map(TemplateModel::name).toList());
        add("auth.yaml", TemplateFragments.fill("auth.yaml", Map.of()));
        // server metadata and health go wherever the first model is served
        String first = models.getFirst().logicalId();
        add("server-routes.yaml", TemplateFragments.fill("server-routes.yaml", Map.of("integration", first)));
        for (TemplateModel model : models) model(model);
        if (models.stream().anyMatch(m -> m.batch() != null)) {
            add("batch-bucket.yaml", TemplateFragments.fill("batch-bucket.yaml", Map.of()));
        }
        if (models.stream().anyMatch(m -> m.drift() != null)) {
            add("monitoring-bucket.yaml", TemplateFragments.fill("monitoring-bucket.yaml", Map.of()));
        }

        List<TemplateModel> pool =
                models.stream().filter(TemplateModel::gpuPool).toList();
        if (!pool.isEmpty()) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put(
                    "poolModels",
                    String.join(",", pool.stream().map(TemplateModel::name).toList()));
            values.put("localModels", options.localPoolModels());
            values.put("stackModels", stackModels);
            Map<String, Node> nodes = Map.of("poolCondition", poolCondition(pool));
            add("gpu-pool.yaml", TemplateFragments.fill("gpu-pool.yaml", values, nodes));
            add("gpu-grpc.yaml", TemplateFragments.fill("gpu-grpc.yaml", Map.of()));
            List<TemplateModel> capturing =
                    pool.stream().filter(m -> m.drift() != null).toList();
            if (!capturing.isEmpty()) poolCapture(capturing);
        }
    }

    private void model(TemplateModel model) {
        String id = model.logicalId();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("model", model.name());
        values.put("logicalId", id);
        values.put("versions", String.join(", ", model.versions()));
        values.put("integration", id);
        values.put(
                "targetText",
                model.switchable()
                        ? "Lambda or the GPU pool, as " + id + "Target says"
                        : model.lambda() != null ? "Lambda" : "GPU pool");
        if (model.switchable()) {
            values.put("defaultTarget", model.planned().wireName());
            add("model-target.yaml", TemplateFragments.fill("model-target.yaml", values));
        }
        integration(model, id, id + "Function.Alias");
        add("model-routes.yaml", TemplateFragments.fill("model-routes.yaml", values));

        TemplateModel.LambdaFunction lambda = model.lambda();
        if (lambda == null) {
            if (model.batch() != null) {
                // the pool is reached through its internal load balancer: a small function in its VPC forwards
                add("batch-pool-invoker.yaml", TemplateFragments.fill("batch-pool-invoker.yaml", values));
                batch(model, values, () -> aliasOf(id + "BatchInvoker"), INVOKER_TEXT);
            }
            if (model.drift() != null) driftCheck(model, values);
            return;
        }
        values.put("codeUri", lambda.codeUri());
        values.put("memoryMb", Integer.toString(lambda.memoryMb()));
        values.put("timeoutSeconds", Integer.toString(lambda.timeoutSeconds()));
        values.put("latencyAlarmMs", Integer.toString(lambda.latencyAlarmMs()));
        values.put("stackModels", stackModels);
        addLambda(model, "lambda-function.yaml", values, lambda.versionKey());
        addLambda(model, "alarms.yaml", values);
        for (String alias : lambda.extraAliases()) {
            String aliasId = TemplateModel.logicalId(alias);
            Map<String, String> aliasValues = new LinkedHashMap<>(values);
            aliasValues.put("alias", alias);
            aliasValues.put("aliasId", aliasId);
            aliasValues.put("integration", id + aliasId);
            integration(model, id + aliasId, id + aliasId + "Alias");
            addLambda(model, "lambda-alias.yaml", aliasValues);
        }
        if (model.batch() != null && model.switchable()) {
            // one machine on either target: it invokes the function's alias, or on the pool its invoker's
            add(
                    "batch-pool-invoker.yaml",
                    conditioned(TemplateFragments.fill("batch-pool-invoker.yaml", values), id + "OnGpuPool"));
            Supplier<Node> either = () -> TemplateYaml.tagged(
                    "!If",
                    List.of(
                            TemplateYaml.plain(id + "OnGpuPool"),
                            aliasOf(id + "BatchInvoker"),
                            aliasOf(id + "Function")));
            batch(model, values, either, "the model's live alias, or on the GPU pool " + INVOKER_TEXT);
        } else if (model.batch() != null) {
            batch(model, values, () -> aliasOf(id + "Function"), "the model's live alias");
        }
        if (model.drift() != null) {
            MappingNode stream = captureStream(
                    id,
                    "model " + model.name() + "'s",
                    "capture/" + model.name() + "/!{partitionKeyFromQuery:version}",
                    "{version: .modelVersion}",
                    List.of(model),
                    "capture-errors/" + model.name());
            add("capture-stream.yaml", model.switchable() ? conditioned(stream, id + "OnLambda") : stream);
            driftCheck(model, values);
        }
    }

    /**
     * The scheduled drift check of a capturing model, on whichever target it runs: it reads
     * capture/<model>/, where its function's capture stream or the GPU pool's files the records.
     */
    private void driftCheck(TemplateModel model, Map<String, String> values) {
        Map<String, String> driftValues = new LinkedHashMap<>(values);
        driftValues.put("driftCodeUri", model.drift().codeUri());
        add("drift-monitor.yaml", TemplateFragments.fill("drift-monitor.yaml", driftValues));
    }

    /**
     * The GPU pool's one capture subscription and stream (a log group takes two subscription filters
     * at most), which files each record by its model and version and may write only the prefixes of
     * the pool's capturing models.
     */
    private void poolCapture(List<TemplateModel> capturing) {
        MappingNode stream = captureStream(
                "GpuPool",
                "the GPU pool's",
                "capture/!{partitionKeyFromQuery:model}/!{partitionKeyFromQuery:version}",
                "{model: .model, version: .modelVersion}",
                capturing,
                "capture-errors/gpu-pool");
        add("capture-stream.yaml", conditioned(stream, "GpuPoolEnabled"));
    }

    /**
     * A subscription on {@code <captureId>LogGroup} into a Firehose stream that files each capture
     * record under {@code capturePrefix} by {@code partitionQuery} (JQ over the record's own fields),
     * with roles that may put to that stream only and write only the models' capture/<model>/ and
     * the error prefix.
     */
    private static MappingNode captureStream(
            String captureId,
            String owner,
            String capturePrefix,
            String partitionQuery,
            List<TemplateModel> models,
            String errorPrefix) {
        List<Node> writable = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (TemplateModel model : models) {
            dirs.add("capture/" + model.name() + "/");
            writable.add(TemplateYaml.tagged("!Sub", "${MonitoringBucket.Arn}/capture/" + model.name() + "/*"));
        }
        writable.add(TemplateYaml.tagged("!Sub", "${MonitoringBucket.Arn}/" + errorPrefix + "/*"));
        Map<String, String> values = Map.of(
                "captureId", captureId,
                "captureOwner", owner,
                "capturePrefix", capturePrefix,
                "partitionQuery", partitionQuery,
                "errorPrefix", errorPrefix,
                "captureDirs", String.join(", ", dirs));
        return TemplateFragments.fill(
                "capture-stream.yaml", values, Map.of("capturePrefixes", TemplateYaml.blockSequence(writable)));
    }

    /**
     * The model's Distributed Map state machine over {@code invokedAlias}: the live alias of the
     * model's function, of its batch invoker for a model on the GPU pool, or either by its Target.
     */
    private void batch(
            TemplateModel model, Map<String, String> values, Supplier<Node> invokedAlias, String invokedText) {
        BatchPlan batch = model.batch().plan();
        Map<String, String> batchValues = new LinkedHashMap<>(values);
        batchValues.put("invokedText", invokedText);
        batchValues.put("maxConcurrency", Integer.toString(batch.maxConcurrency()));
        batchValues.put("maxItemsPerBatch", Integer.toString(batch.maxItemsPerBatch()));
        batchValues.put("maxInputBytesPerBatch", Integer.toString(batch.maxInputBytesPerBatch()));
        add(
                "batch-state-machine.yaml",
                TemplateFragments.fill(
                        "batch-state-machine.yaml",
                        batchValues,
                        // a node of its own at each place: one node in two places would be written as a YAML alias
                        Map.of("invokedAlias", invokedAlias.get(), "substitutedAlias", invokedAlias.get())));
    }

    /** SAM's reference to a function's live alias (AutoPublishAlias). */
    private static Node aliasOf(String function) {
        return TemplateYaml.tagged("!Ref", function + ".Alias");
    }

    /**
     * A fragment of a model's Lambda function: for a model that may run on either target, each
     * resource and output it defines exists only while the model is on Lambda.
     */
    private void addLambda(TemplateModel model, String name, Map<String, String> values) {
        addLambda(model, name, values, null);
    }

    /** @param versionKey the function's AutoPublishCodeSha256, or null for SAM's own version hash */
    private void addLambda(TemplateModel model, String name, Map<String, String> values, String versionKey) {
        MappingNode fragment = TemplateFragments.fill(name, values);
        if (versionKey != null) {
            MappingNode function = TemplateYaml.mappingAt(
                    fragment, List.of("Resources", model.logicalId() + "Function", "Properties"));
            TemplateYaml.putAfter(
                    function, "AutoPublishAlias", "AutoPublishCodeSha256", TemplateYaml.plain(versionKey));
        }
        if (model.switchable()) conditioned(fragment, model.logicalId() + "OnLambda");
        add(name, fragment);
    }

    /**
     * The fragment with each resource and output it defines existing only under {@code condition}
     * (an entry without a Type only adds to a stack resource, the API's routes, and is left alone).
     */
    private static MappingNode conditioned(MappingNode fragment, String condition) {
        for (String section : List.of("Resources", "Outputs")) {
            if (!(TemplateYaml.get(fragment, section) instanceof MappingNode entries)) continue;
            for (NodeTuple entry : entries.getValue()) {
                MappingNode definition = (MappingNode) entry.getValueNode();
                if (section.equals("Outputs") || TemplateYaml.get(definition, "Type") != null) {
                    TemplateYaml.putAfterType(definition, "Condition", TemplateYaml.plain(condition));
                }
            }
        }
        return fragment;
    }

    /** The integration a model's routes share: its Lambda alias, the GPU pool, or either by its Target parameter. */
    private void integration(TemplateModel model, String name, String aliasArn) {
        String owner = integrationOwners.putIfAbsent(name, model.name());
        if (owner != null) {
            throw new UserError("model '" + model.name() + "' needs integration " + name + ", which model '" + owner
                    + "' has already; rename a model or an alias");
        }
        Node lambda = model.lambda() == null
                ? null
                : TemplateFragments.fill("lambda-integration.yaml", Map.of("aliasArn", aliasArn));
        Node pool = model.gpuPool() ? TemplateFragments.fill("gpu-integration.yaml", Map.of()) : null;
        Node integration = lambda == null
                ? pool
                : pool == null
                        ? lambda
                        : TemplateYaml.mapping(
                                "Fn::If",
                                TemplateYaml.blockSequence(
                                        List.of(TemplateYaml.plain(model.logicalId() + "OnGpuPool"), pool, lambda)));
        TemplateYaml.merge(
                TemplateYaml.mappingAt(stack, INTEGRATIONS),
                TemplateYaml.mapping(name, integration),
                String.join(".", INTEGRATIONS));
    }

    /** True when any model is on the pool: always for a pool-only model, else per Target parameter. */
    private static Node poolCondition(List<TemplateModel> pool) {
        String gpuPool = Target.GPU_POOL.wireName();
        List<String> fixed = pool.stream()
                .filter(m -> m.lambda() == null)
                .map(TemplateModel::name)
                .toList();
        if (!fixed.isEmpty()) {
            Node always =
                    TemplateYaml.tagged("!Equals", List.of(TemplateYaml.plain(gpuPool), TemplateYaml.plain(gpuPool)));
            return TemplateYaml.withInlineComment(
                    always, "always: the GPU pool is the only target of " + String.join(", ", fixed));
        }
        if (pool.size() == 1) {
            Node parameter = TemplateYaml.tagged("!Ref", pool.getFirst().logicalId() + "Target");
            return TemplateYaml.tagged("!Equals", List.of(parameter, TemplateYaml.plain(gpuPool)));
        }
        List<Node> conditions = new ArrayList<>();
        for (TemplateModel model : pool) {
            conditions.add(TemplateYaml.tagged("!Condition", model.logicalId() + "OnGpuPool"));
        }
        return anyOf(conditions);
    }

    private static Node anyOf(List<Node> conditions) {
        if (conditions.size() == 1) return conditions.getFirst();
        if (conditions.size() <= MAX_OR) return TemplateYaml.tagged("!Or", conditions);
        List<Node> groups = new ArrayList<>();
        for (int i = 0; i < conditions.size(); i += MAX_OR) {
            groups.add(anyOf(conditions.subList(i, Math.min(conditions.size(), i + MAX_OR))));
        }
        return anyOf(groups);
    }

    private void add(String fragment, MappingNode nodes) {
        for (NodeTuple part : nodes.getValue()) {
            if (TemplateYaml.get(stack, TemplateYaml.key(part)) == null) {
                throw new IllegalStateException("fragment " + fragment + " adds to '" + TemplateYaml.key(part)
                        + "', which stack.yaml does not have");
            }
        }
        TemplateYaml.merge(stack, nodes, "fragment " + fragment + ": stack");
    }
}
