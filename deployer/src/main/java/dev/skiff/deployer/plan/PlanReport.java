package dev.skiff.deployer.plan;

import static dev.skiff.deployer.report.Sizes.bytes;
import static dev.skiff.deployer.report.Sizes.count;
import static dev.skiff.deployer.report.Sizes.millis;
import static java.lang.String.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.deployer.report.TextTable;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.protocol.TensorSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints plans as tables for people, or as JSON for machines. */
public final class PlanReport {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanReport() {}

    public static void printText(List<ModelPlan> plans, ProfileSettings settings, PrintWriter out) {
        if (plans.isEmpty()) return;
        LambdaPricing pricing = plans.getFirst().pricing();
        out.printf(
                "Profiled on this machine (%d cores) with 1 intra-op thread, %d runs after %d warm-up; latencies "
                        + "scaled to each memory size's vCPUs (1,769 MB = 1 vCPU, CPU factor %.2f)%n",
                Runtime.getRuntime().availableProcessors(),
                settings.runs(),
                settings.warmupRuns(),
                settings.cpuFactor());
        out.printf(
                "Prices: %s $%.10f per GB-s, $%.2f per million requests (%s)%n%n",
                pricing.architecture(), pricing.perGbSecond(), pricing.perMillionRequests(), pricing.source());
        TextTable summary = new TextTable(
                "MODEL", "TARGET", "MEMORY", "PACKAGE", "PARAMS", "LOAD", "P99 1 ROW", "P99 MAX BATCH", "$/1M REQ");
        for (ModelPlan plan : plans) {
            MemoryOption chosen = plan.chosen();
            summary.row(
                    plan.name(),
                    plan.target().wireName(),
                    plan.memoryMb() == null ? null : format("%,d MB", plan.memoryMb()),
                    plan.packageType() == null
                            ? "image (pool)"
                            : plan.packageType().label + " " + bytes(plan.estimatedPackageBytes()),
                    bytes(plan.graph().parameterBytes()),
                    plan.profile() == null ? null : millis(plan.profile().loadMs()),
                    chosen == null ? null : millis(chosen.p99BatchOneMs()),
                    chosen == null
                            ? null
                            : millis(chosen.p99MaxBatchMs()) + " ("
                                    + plan.profile().maxBatch().rows() + ")",
                    chosen == null ? null : format("$%.4f", chosen.costPerMillion()));
        }
        summary.print(out, "");
        for (ModelPlan plan : plans) {
            out.println();
            printModel(plan, out);
        }
    }

    private static void printModel(ModelPlan plan, PrintWriter out) {
        ModelConfig c = plan.model().config();
        out.printf(
                "%s -> %s%s%n",
                plan.name(),
                plan.target().wireName(),
                plan.memoryMb() == null
                        ? ""
                        : format(" at %,d MB (%s package)", plan.memoryMb(), plan.packageType().label));
        out.printf(
                "  model:   %s, version%s %s; model.onnx %s, %s parameters (%s) in %d initializers%n",
                plan.model().directory(),
                plan.model().versions().size() == 1 ? "" : "s",
                String.join(", ", plan.model().versions()),
                bytes(plan.modelFileBytes()),
                count(plan.graph().parameterCount()),
                bytes(plan.graph().parameterBytes()),
                plan.graph().initializerCount());
        out.printf(
                "  ops:     %s; opsets %s%n",
                operators(plan.graph().operators()),
                plan.graph().opsets().entrySet().stream()
                        .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue())
                        .collect(Collectors.joining(", ")));
        out.printf(
                "  hints:   target %s, gpu %s, memoryMb %s, latencyObjectiveMs %s, maxBatchSize %d%n",
                ModelConfig.targetWord(c.target()),
                c.gpu().name().toLowerCase(),
                c.memoryMb() == null ? "-" : c.memoryMb(),
                c.latencyObjectiveMs() == null ? "-" : c.latencyObjectiveMs(),
                c.maxBatchSize());
        Profile p = plan.profile();
        if (p == null) {
            out.println("  profile: not needed, a rule decided first");
        } else {
            out.printf("  inputs:  %s%n  outputs: %s%n", specs(p.inputs()), specs(p.outputs()));
            out.printf(
                    "  here:    load %s; 1 row p50 %s p99 %s; %d rows p50 %s p99 %s; parallel share %.0f%% / %.0f%%; "
                            + "memory +%.0f MB -> needs ~%,d MB%n",
                    millis(p.loadMs()),
                    millis(p.batchOne().p50Ms()),
                    millis(p.batchOne().p99Ms()),
                    p.maxBatch().rows(),
                    millis(p.maxBatch().p50Ms()),
                    millis(p.maxBatch().p99Ms()),
                    100 * p.parallelBatchOne(),
                    100 * p.parallelMaxBatch(),
                    p.memoryGrowthMb(),
                    plan.requiredMemoryMb());
        }
        out.println("  reasons:");
        for (Reason reason : plan.reasons()) out.println("    " + reason);
        if (!plan.options().isEmpty()) {
            TextTable table = new TextTable(
                    "MEMORY",
                    "VCPU",
                    "P50 1 ROW",
                    "P99 1 ROW",
                    "P99 " + p.maxBatch().rows() + " ROWS",
                    "$/1M REQ",
                    "VERDICT");
            for (MemoryOption o : plan.options()) {
                String verdict = !o.meetsObjective()
                        ? "misses objective"
                        : !o.withinApiGatewayTimeout() ? "over 30 s" : o.equals(plan.chosen()) ? "chosen" : "ok";
                table.row(
                        format("%,d MB", o.memoryMb()),
                        format("%.2f", o.vcpus()),
                        millis(o.p50BatchOneMs()),
                        millis(o.p99BatchOneMs()),
                        millis(o.p99MaxBatchMs()),
                        format("$%.4f", o.costPerMillion()),
                        verdict);
            }
            table.print(out, "    ");
        }
    }

    private static String operators(Map<String, Integer> operators) {
        return operators.entrySet().stream()
                .map(e -> e.getKey() + (e.getValue() > 1 ? " x" + e.getValue() : ""))
                .collect(Collectors.joining(", "));
    }

    private static String specs(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::toString).collect(Collectors.joining(", "));
    }

    public static ObjectNode json(List<ModelPlan> plans, ProfileSettings settings) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode profiling = root.putObject("profiling");
        profiling.put("processors", Runtime.getRuntime().availableProcessors());
        profiling.put("warmupRuns", settings.warmupRuns());
        profiling.put("runs", settings.runs());
        profiling.put("cpuFactor", settings.cpuFactor());
        if (!plans.isEmpty()) {
            LambdaPricing pricing = plans.getFirst().pricing();
            ObjectNode prices = root.putObject("pricing");
            prices.put("architecture", pricing.architecture());
            prices.put("perGbSecond", pricing.perGbSecond());
            prices.put("perMillionRequests", pricing.perMillionRequests());
            prices.put("source", pricing.source());
        }
        ArrayNode models = root.putArray("models");
        for (ModelPlan plan : plans) models.add(json(plan));
        return root;
    }

    static ObjectNode json(ModelPlan plan) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", plan.name());
        node.put("directory", plan.model().directory().toString());
        node.put("target", plan.target().wireName());
        if (plan.memoryMb() != null) node.put("memoryMb", plan.memoryMb());
        if (plan.packageType() != null) node.put("packageType", plan.packageType().label);
        node.put("estimatedPackageBytes", plan.estimatedPackageBytes());
        node.put("requiredMemoryMb", plan.requiredMemoryMb());
        ArrayNode versions = node.putArray("versions");
        plan.model().versions().forEach(versions::add);
        node.put("modelFileBytes", plan.modelFileBytes());
        node.put("parameterBytes", plan.graph().parameterBytes());
        node.put("parameterCount", plan.graph().parameterCount());
        ObjectNode ops = node.putObject("operators");
        plan.graph().operators().forEach(ops::put);
        ObjectNode hints = node.putObject("hints");
        ModelConfig c = plan.model().config();
        hints.put("target", ModelConfig.targetWord(c.target()));
        hints.put("gpu", c.gpu().name().toLowerCase());
        if (c.memoryMb() != null) hints.put("memoryMb", c.memoryMb());
        if (c.latencyObjectiveMs() != null) hints.put("latencyObjectiveMs", c.latencyObjectiveMs());
        hints.put("maxBatchSize", c.maxBatchSize());
        Profile p = plan.profile();
        if (p != null) {
            ObjectNode profile = node.putObject("profile");
            profile.put("loadMs", p.loadMs());
            profile.put("inputs", specs(p.inputs()));
            profile.put("outputs", specs(p.outputs()));
            profile.set("batchOne", JSON.valueToTree(p.batchOne()));
            profile.set("maxBatch", JSON.valueToTree(p.maxBatch()));
            profile.put("parallelBatchOne", p.parallelBatchOne());
            profile.put("parallelMaxBatch", p.parallelMaxBatch());
            profile.put("memoryGrowthMb", p.memoryGrowthMb());
        }
        if (plan.chosen() != null) node.set("chosen", JSON.valueToTree(plan.chosen()));
        ArrayNode reasons = node.putArray("reasons");
        for (Reason reason : plan.reasons()) {
            ObjectNode r = reasons.addObject();
            r.put("rule", reason.rule().id);
            r.put("detail", reason.detail());
        }
        ArrayNode options = node.putArray("memoryOptions");
        plan.options().forEach(o -> options.add(JSON.valueToTree(o)));
        return node;
    }
}
