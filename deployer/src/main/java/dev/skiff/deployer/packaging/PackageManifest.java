package dev.skiff.deployer.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.plan.BatchPlan;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code <out>/package.json}: what package built, so deploy uploads and renders exactly that. */
public record PackageManifest(String architecture, List<PackagedModel> models) {
    public static final String FILE_NAME = "package.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path outDir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", architecture);
        ArrayNode list = root.putArray("models");
        for (PackagedModel m : models) {
            ObjectNode node = list.addObject();
            node.put("name", m.name());
            node.put("target", m.target().wireName());
            node.put("packageType", m.packageType());
            node.put("architecture", m.architecture());
            node.put(
                    "artifact",
                    outDir.toAbsolutePath()
                            .relativize(m.artifact().toAbsolutePath())
                            .toString());
            if (m.sha256() != null) node.put("sha256", m.sha256());
            node.put("unzippedBytes", m.unzippedBytes());
            node.put("zippedBytes", m.zippedBytes());
            if (m.memoryMb() != null) node.put("memoryMb", m.memoryMb());
            if (m.timeoutSeconds() != null) node.put("timeoutSeconds", m.timeoutSeconds());
            if (m.latencyAlarmMs() != null) node.put("latencyAlarmMs", m.latencyAlarmMs());
            if (m.batch() != null) {
                node.putObject("batch")
                        .put("maxItemsPerBatch", m.batch().maxItemsPerBatch())
                        .put("maxInputBytesPerBatch", m.batch().maxInputBytesPerBatch())
                        .put("maxConcurrency", m.batch().maxConcurrency());
            }
            if (m.capture() != null) {
                ObjectNode capture = node.putObject("capture")
                        .put("samplingPercent", m.capture().samplingPercent())
                        .put("data", m.capture().data().name().toLowerCase(Locale.ROOT));
                ArrayNode inputs = capture.putArray("inputs");
                m.capture().inputs().forEach(inputs::add);
            }
            ArrayNode versions = node.putArray("versions");
            m.versions().forEach(versions::add);
        }
        Files.writeString(outDir.resolve(FILE_NAME), JSON.writeValueAsString(root));
    }

    public static PackageManifest read(Path outDir) {
        Path file = outDir.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new UserError("no " + file + "; run skiff package first (or pass --package-dir)");
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage() + "; run skiff package again");
        }
        List<PackagedModel> models = new ArrayList<>();
        for (JsonNode node : root.path("models")) {
            List<String> versions = new ArrayList<>();
            node.path("versions").forEach(v -> versions.add(v.asText()));
            models.add(new PackagedModel(
                    node.path("name").asText(),
                    target(file, node),
                    node.path("packageType").asText(),
                    node.path("architecture").asText(),
                    outDir.resolve(node.path("artifact").asText()).normalize(),
                    node.hasNonNull("sha256") ? node.get("sha256").asText() : null,
                    node.path("unzippedBytes").asLong(),
                    node.path("zippedBytes").asLong(),
                    optionalInt(node, "memoryMb"),
                    List.copyOf(versions),
                    optionalInt(node, "timeoutSeconds"),
                    optionalInt(node, "latencyAlarmMs"),
                    batch(file, node),
                    capture(file, node)));
        }
        return new PackageManifest(root.path("architecture").asText(), List.copyOf(models));
    }

    private static Target target(Path file, JsonNode model) {
        try {
            return Target.fromWireName(model.path("target").asText());
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": model '" + model.path("name").asText() + "': " + e.getMessage()
                    + "; run skiff package again");
        }
    }

    /** The model's "batch" object: its ItemBatcher limits and concurrency; null for a model that takes no batch jobs. */
    private static BatchPlan batch(Path file, JsonNode model) {
        JsonNode batch = model.get("batch");
        if (batch == null || batch.isNull()) return null;
        try {
            return new BatchPlan(
                    batch.path("maxItemsPerBatch").asInt(),
                    batch.path("maxInputBytesPerBatch").asInt(),
                    batch.path("maxConcurrency").asInt());
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": model '" + model.path("name").asText() + "': \"batch\": " + e.getMessage()
                    + "; run skiff package again");
        }
    }

    /** The model's "capture" object, as its config has it; null for a model that captures nothing. */
    private static ModelConfig.Capture capture(Path file, JsonNode model) {
        JsonNode capture = model.get("capture");
        if (capture == null || capture.isNull()) return null;
        try {
            // a missing or non-number field would read as 0 (capture off) and deploy would drop capture silently
            if (!capture.path("samplingPercent").isInt()) {
                throw new IllegalArgumentException(
                        "\"samplingPercent\" must be a whole number, not " + found(capture, "samplingPercent"));
            }
            if (!capture.path("data").isTextual()) {
                throw new IllegalArgumentException("\"data\" must be one of "
                        + java.util.Arrays.toString(ModelConfig.CaptureData.values())
                                .toLowerCase(Locale.ROOT)
                        + ", not " + found(capture, "data"));
            }
            List<String> inputs = new ArrayList<>();
            capture.path("inputs").forEach(input -> inputs.add(input.asText()));
            return new ModelConfig.Capture(
                    capture.get("samplingPercent").asInt(),
                    ModelConfig.CaptureData.valueOf(
                            capture.path("data").asText().toUpperCase(Locale.ROOT)),
                    inputs);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": model '" + model.path("name").asText() + "': \"capture\": " + e.getMessage()
                    + "; run skiff package again");
        }
    }

    /** Whether any model captures: then package wrote the drift function's .zip, and deploy ships it. */
    public boolean anyCaptures() {
        return models.stream().anyMatch(m -> m.capture() != null);
    }

    private static String found(JsonNode node, String field) {
        return node.has(field) ? node.get(field).toString() : "missing";
    }

    private static Integer optionalInt(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asInt() : null;
    }
}
