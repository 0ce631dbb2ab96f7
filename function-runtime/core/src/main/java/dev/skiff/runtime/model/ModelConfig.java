package dev.skiff.runtime.model;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.skiff.runtime.protocol.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's config.json (docs/model-repository.md): its pipeline, batching and the deployer's
 * hints. Read with the streaming parser; an unknown field is an error, so a typo never passes.
 */
public record ModelConfig(
        Pipeline pipeline,
        List<String> labels,
        int topK,
        int maxSequenceLength,
        int maxBatchSize,
        int maxQueueDelayMs,
        int queueCapacity,
        int instances,
        int intraOpThreads,
        boolean batchInvariant,
        Target target,
        Gpu gpu,
        Integer memoryMb,
        Integer latencyObjectiveMs) {

    public enum Pipeline { NONE, CLASSIFIER, TEXT_EMBEDDING }

    public enum Target { AUTO, LAMBDA, GPU }

    public enum Gpu { NONE, OPTIONAL, REQUIRED }

    public static final String FILE_NAME = "config.json";

    public static ModelConfig defaults() {
        return new ModelConfig(Pipeline.NONE, List.of(), 1, 256, 64, 5, 256, 1, 0, true, Target.AUTO, Gpu.OPTIONAL, null, null);
    }

    /** Reads {@code <modelDir>/config.json}; a model without one gets the defaults. */
    public static ModelConfig read(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return defaults();
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(json);
        } catch (JsonParseException e) {
            throw new ModelLoadException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelLoadException(file + ": " + e.getMessage(), e);
        }
    }

    static ModelConfig parse(byte[] json) throws IOException {
        ModelConfig d = defaults();
        Pipeline pipeline = d.pipeline;
        List<String> labels = d.labels;
        int topK = d.topK, maxSequenceLength = d.maxSequenceLength, maxBatchSize = d.maxBatchSize;
        int maxQueueDelayMs = d.maxQueueDelayMs, queueCapacity = d.queueCapacity, instances = d.instances;
        int intraOpThreads = d.intraOpThreads;
        boolean batchInvariant = d.batchInvariant;
        Target target = d.target;
        Gpu gpu = d.gpu;
        Integer memoryMb = null, latencyObjectiveMs = null;
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("must hold a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "pipeline" -> pipeline = choice(p, field, Pipeline.class);
                    case "labels" -> labels = strings(p, field);
                    case "topK" -> topK = positive(p, field);
                    case "maxSequenceLength" -> maxSequenceLength = positive(p, field);
                    case "maxBatchSize" -> maxBatchSize = positive(p, field);
                    case "instances" -> instances = positive(p, field);
                    case "intraOpThreads" -> intraOpThreads = positive(p, field);
                    case "batchInvariant" -> {
                        if (!p.currentToken().isBoolean()) throw new IllegalArgumentException("\"batchInvariant\" must be true or false");
                        batchInvariant = p.getBooleanValue();
                    }
                    case "target" -> target = choice(p, field, Target.class);
                    case "gpu" -> gpu = choice(p, field, Gpu.class);
                    case "memoryMb" -> memoryMb = positive(p, field);
                    case "latencyObjectiveMs" -> latencyObjectiveMs = positive(p, field);
                    case "batching" -> {
                        if (p.currentToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("\"batching\" must be an object");
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String inner = p.currentName();
                            p.nextToken();
                            switch (inner) {
                                case "maxQueueDelayMs" -> maxQueueDelayMs = nonNegative(p, "batching.maxQueueDelayMs");
                                case "queueCapacity" -> queueCapacity = positive(p, "batching.queueCapacity");
                                default -> throw new IllegalArgumentException("unknown field \"batching." + inner
                                        + "\"; expected maxQueueDelayMs, queueCapacity");
                            }
                        }
                    }
                    case "description", "features" -> p.skipChildren(); // documentation for people
                    default -> throw new IllegalArgumentException("unknown field \"" + field + "\"; expected pipeline, labels, "
                            + "topK, maxSequenceLength, maxBatchSize, batchInvariant, batching, instances, intraOpThreads, target, gpu, "
                            + "memoryMb, latencyObjectiveMs, description, features");
                }
            }
        }
        if (pipeline == Pipeline.CLASSIFIER && labels.isEmpty()) {
            throw new IllegalArgumentException("pipeline \"classifier\" needs \"labels\", one per probability column");
        }
        return new ModelConfig(pipeline, labels, topK, maxSequenceLength, maxBatchSize, maxQueueDelayMs, queueCapacity,
                instances, intraOpThreads, batchInvariant, target, gpu, memoryMb, latencyObjectiveMs);
    }

    private static <E extends Enum<E>> E choice(JsonParser p, String field, Class<E> type) throws IOException {
        String text = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : null;
        if (text != null) {
            for (E value : type.getEnumConstants()) {
                if (value.name().replace('_', '-').equalsIgnoreCase(text)) return value;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E value : type.getEnumConstants()) allowed.add('"' + value.name().replace('_', '-').toLowerCase() + '"');
        throw new IllegalArgumentException("\"" + field + "\" must be one of " + String.join(", ", allowed)
                + ", not " + p.getText());
    }

    private static List<String> strings(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw new IllegalArgumentException("\"" + field + "\" must be an array of strings");
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING) throw new IllegalArgumentException("\"" + field + "\" must be an array of strings");
            values.add(p.getText());
        }
        return List.copyOf(values);
    }

    private static int positive(JsonParser p, String field) throws IOException {
        int value = nonNegative(p, field);
        if (value == 0) throw new IllegalArgumentException("\"" + field + "\" must be a positive integer, not 0");
        return value;
    }

    private static int nonNegative(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0) {
            throw new IllegalArgumentException("\"" + field + "\" must be a non-negative integer, not " + p.getText());
        }
        return p.getIntValue();
    }
}
