package dev.skiff.runtime.model;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.protocol.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model's config.json (docs/model-repository.md): its pipeline, batching and the deployer's
 * hints. Read with the streaming parser (it runs at a Lambda cold start); an unknown field is an
 * error, so a typo never passes. Build one with {@link #builder()}.
 *
 * @param target where the person wants the model to run, or null for {@code "auto"}: the plan decides
 * @param warmUp the request each loaded version is warmed with, or null for placeholder values
 * @param pooling how the text-embedding pipeline pools token vectors into one per text
 * @param normalize whether the text-embedding pipeline scales each vector to unit length
 * @param adaptiveBatchSize whether the GPU pool learns, per model, the batch size past which merging
 *     stops saving run time per row (batching.adaptiveBatchSize)
 * @param batch how a batch job's named columns map onto the inputs, or null when the model takes no batch jobs
 * @param capture which sampled requests the function and the pool write as capture records (off by default)
 */
public record ModelConfig(
        Pipeline pipeline,
        List<String> labels,
        int topK,
        int maxSequenceLength,
        int maxBatchSize,
        int maxQueueDelayMs,
        int queueCapacity,
        boolean adaptiveBatchSize,
        int instances,
        int intraOpThreads,
        boolean batchInvariant,
        Target target,
        Gpu gpu,
        Integer memoryMb,
        Integer latencyObjectiveMs,
        WarmUpRequest warmUp,
        Pooling pooling,
        boolean normalize,
        BatchColumns batch,
        Capture capture) {

    public enum Pipeline {
        NONE,
        CLASSIFIER,
        TEXT_EMBEDDING
    }

    public enum Gpu {
        NONE,
        OPTIONAL,
        REQUIRED
    }

    /** How token vectors become one vector per text, as sentence-transformers' pooling modes name them. */
    public enum Pooling {
        MEAN,
        CLS,
        MAX
    }

    /** What a capture record holds: the request's inputs, the response's outputs, or both. */
    public enum CaptureData {
        INPUTS,
        OUTPUTS,
        BOTH;

        public boolean inputs() {
            return this != OUTPUTS;
        }

        public boolean outputs() {
            return this != INPUTS;
        }
    }

    /**
     * The {@code "capture"} section: the share of requests captured, what of them, and which inputs.
     *
     * @param samplingPercent 0 (off) to 100
     * @param inputs the input tensors captured; empty: every input
     */
    public record Capture(int samplingPercent, CaptureData data, List<String> inputs) {
        public static final Capture OFF = new Capture(0, CaptureData.BOTH, List.of());

        public Capture {
            if (samplingPercent < 0 || samplingPercent > 100) {
                throw new IllegalArgumentException(
                        "\"capture.samplingPercent\" must be 0 to 100, not " + samplingPercent);
            }
            inputs = List.copyOf(inputs);
        }

        public boolean on() {
            return samplingPercent > 0;
        }

        /** Whether input {@code name} goes into a record. */
        public boolean captures(String input) {
            return data.inputs() && (inputs.isEmpty() || inputs.contains(input));
        }
    }

    public static final String FILE_NAME = "config.json";

    /** A field's name in config.json. */
    private interface JsonField {
        String json();
    }

    /** config.json's top-level fields, in the order an unknown field's error lists them. */
    private enum Field implements JsonField {
        PIPELINE("pipeline"),
        LABELS("labels"),
        TOP_K("topK"),
        MAX_SEQUENCE_LENGTH("maxSequenceLength"),
        MAX_BATCH_SIZE("maxBatchSize"),
        BATCH_INVARIANT("batchInvariant"),
        BATCHING("batching"),
        INSTANCES("instances"),
        INTRA_OP_THREADS("intraOpThreads"),
        TARGET("target"),
        GPU("gpu"),
        MEMORY_MB("memoryMb"),
        LATENCY_OBJECTIVE_MS("latencyObjectiveMs"),
        DESCRIPTION("description"),
        FEATURES("features"),
        WARMUP("warmup"),
        POOLING("pooling"),
        NORMALIZE("normalize"),
        BATCH("batch"),
        CAPTURE("capture");

        private final String json;

        Field(String json) {
            this.json = json;
        }

        @Override
        public String json() {
            return json;
        }
    }

    /** The fields inside {@code "batching"}. */
    private enum BatchingField implements JsonField {
        MAX_QUEUE_DELAY_MS("maxQueueDelayMs"),
        QUEUE_CAPACITY("queueCapacity"),
        ADAPTIVE_BATCH_SIZE("adaptiveBatchSize");

        private final String json;

        BatchingField(String json) {
            this.json = json;
        }

        @Override
        public String json() {
            return json;
        }
    }

    /** The fields inside {@code "capture"}. */
    private enum CaptureField implements JsonField {
        SAMPLING_PERCENT("samplingPercent"),
        DATA("data"),
        INPUTS("inputs");

        private final String json;

        CaptureField(String json) {
            this.json = json;
        }

        @Override
        public String json() {
            return json;
        }
    }

    public ModelConfig {
        labels = List.copyOf(labels);
        if (capture == null) capture = Capture.OFF;
        if (pipeline == Pipeline.CLASSIFIER && labels.isEmpty()) {
            throw new IllegalArgumentException("pipeline \"classifier\" needs \"labels\", one per probability column");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ModelConfig defaults() {
        return builder().build();
    }

    /** config.json's word for a target preference: "auto" (null), "lambda" or "gpu". */
    public static String targetWord(Target target) {
        if (target == null) return "auto";
        return switch (target) {
            case LAMBDA -> "lambda";
            case GPU_POOL -> "gpu";
        };
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
        Builder config = builder();
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("must hold a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Field field = field(Field.values(), "", name);
                p.nextToken();
                switch (field) {
                    case PIPELINE -> config.pipeline(choice(p, name, Pipeline.class));
                    case LABELS -> config.labels(strings(p, name));
                    case TOP_K -> config.topK(positive(p, name));
                    case MAX_SEQUENCE_LENGTH -> config.maxSequenceLength(positive(p, name));
                    case MAX_BATCH_SIZE -> config.maxBatchSize(positive(p, name));
                    case BATCH_INVARIANT -> {
                        if (!p.currentToken().isBoolean())
                            throw new IllegalArgumentException("\"batchInvariant\" must be true or false");
                        config.batchInvariant(p.getBooleanValue());
                    }
                    case BATCHING -> batching(p, config);
                    case INSTANCES -> config.instances(positive(p, name));
                    case INTRA_OP_THREADS -> config.intraOpThreads(positive(p, name));
                    case TARGET -> config.target(target(p));
                    case GPU -> config.gpu(choice(p, name, Gpu.class));
                    case MEMORY_MB -> config.memoryMb(positive(p, name));
                    case LATENCY_OBJECTIVE_MS -> config.latencyObjectiveMs(positive(p, name));
                    case DESCRIPTION, FEATURES -> p.skipChildren(); // documentation for people
                    case WARMUP -> config.warmUp(WarmUpRequest.read(p));
                    case POOLING -> config.pooling(choice(p, name, Pooling.class));
                    case NORMALIZE -> {
                        if (!p.currentToken().isBoolean())
                            throw new IllegalArgumentException("\"normalize\" must be true or false");
                        config.normalize(p.getBooleanValue());
                    }
                    case BATCH -> config.batch(BatchColumns.parse(p));
                    case CAPTURE -> config.capture(capture(p));
                }
            }
        }
        return config.build();
    }

    private static void batching(JsonParser p, Builder config) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("\"batching\" must be an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = "batching." + p.currentName();
            BatchingField field = field(BatchingField.values(), "batching.", p.currentName());
            p.nextToken();
            switch (field) {
                case MAX_QUEUE_DELAY_MS -> config.maxQueueDelayMs(nonNegative(p, name));
                case QUEUE_CAPACITY -> config.queueCapacity(positive(p, name));
                case ADAPTIVE_BATCH_SIZE -> {
                    if (!p.currentToken().isBoolean())
                        throw new IllegalArgumentException("\"" + name + "\" must be true or false");
                    config.adaptiveBatchSize(p.getBooleanValue());
                }
            }
        }
    }

    private static Capture capture(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("\"capture\" must be an object");
        }
        int percent = Capture.OFF.samplingPercent();
        CaptureData data = Capture.OFF.data();
        List<String> inputs = Capture.OFF.inputs();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = "capture." + p.currentName();
            CaptureField field = field(CaptureField.values(), "capture.", p.currentName());
            p.nextToken();
            switch (field) {
                case SAMPLING_PERCENT -> percent = nonNegative(p, name);
                case DATA -> data = choice(p, name, CaptureData.class);
                case INPUTS -> inputs = strings(p, name);
            }
        }
        return new Capture(percent, data, inputs);
    }

    /** The field called {@code name}; an unknown one is an error that lists the known ones. */
    private static <F extends JsonField> F field(F[] fields, String prefix, String name) {
        for (F field : fields) {
            if (field.json().equals(name)) return field;
        }
        List<String> allowed = new ArrayList<>();
        for (F field : fields) allowed.add(field.json());
        throw new IllegalArgumentException(
                "unknown field \"" + prefix + name + "\"; expected " + String.join(", ", allowed));
    }

    /** "auto", "lambda" or "gpu", in any case, as {@link #targetWord} names them. */
    private static Target target(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            String text = p.getText().toLowerCase(Locale.ROOT);
            if (text.equals(targetWord(null))) return null;
            for (Target target : Target.values()) {
                if (text.equals(targetWord(target))) return target;
            }
        }
        List<String> allowed = new ArrayList<>();
        allowed.add('"' + targetWord(null) + '"');
        for (Target target : Target.values()) allowed.add('"' + targetWord(target) + '"');
        throw new IllegalArgumentException(
                "\"target\" must be one of " + String.join(", ", allowed) + ", not " + p.getText());
    }

    private static <E extends Enum<E>> E choice(JsonParser p, String field, Class<E> type) throws IOException {
        String text = p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : null;
        if (text != null) {
            for (E value : type.getEnumConstants()) {
                if (value.name().replace('_', '-').equalsIgnoreCase(text)) return value;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            allowed.add('"' + value.name().replace('_', '-').toLowerCase(Locale.ROOT) + '"');
        }
        throw new IllegalArgumentException(
                "\"" + field + "\" must be one of " + String.join(", ", allowed) + ", not " + p.getText());
    }

    private static List<String> strings(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY)
            throw new IllegalArgumentException("\"" + field + "\" must be an array of strings");
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING)
                throw new IllegalArgumentException("\"" + field + "\" must be an array of strings");
            values.add(p.getText());
        }
        return values;
    }

    private static int positive(JsonParser p, String field) throws IOException {
        int value = nonNegative(p, field);
        if (value == 0) throw new IllegalArgumentException("\"" + field + "\" must be a positive integer, not 0");
        return value;
    }

    private static int nonNegative(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
                || p.getNumberType() != JsonParser.NumberType.INT
                || p.getIntValue() < 0) {
            throw new IllegalArgumentException("\"" + field + "\" must be a non-negative integer, not " + p.getText());
        }
        return p.getIntValue();
    }

    /** A config from the defaults docs/model-repository.md lists, with the fields set that differ. */
    public static final class Builder {
        private Pipeline pipeline = Pipeline.NONE;
        private List<String> labels = List.of();
        private int topK = 1;
        private int maxSequenceLength = 256;
        private int maxBatchSize = 64;
        private int maxQueueDelayMs = 0;
        private int queueCapacity = 256;
        private boolean adaptiveBatchSize = true;
        private int instances = 1;
        /** 0: the runtime picks (OrtRuntime.intraOpThreads). */
        private int intraOpThreads = 0;

        private boolean batchInvariant = true;
        private Target target = null;
        private Gpu gpu = Gpu.OPTIONAL;
        private Integer memoryMb = null;
        private Integer latencyObjectiveMs = null;
        private WarmUpRequest warmUp = null;
        private Pooling pooling = Pooling.MEAN;
        private boolean normalize = true;
        private BatchColumns batch = null;
        private Capture capture = Capture.OFF;

        private Builder() {}

        public Builder pipeline(Pipeline pipeline) {
            this.pipeline = pipeline;
            return this;
        }

        public Builder labels(List<String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder maxSequenceLength(int tokens) {
            this.maxSequenceLength = tokens;
            return this;
        }

        public Builder maxBatchSize(int rows) {
            this.maxBatchSize = rows;
            return this;
        }

        public Builder maxQueueDelayMs(int ms) {
            this.maxQueueDelayMs = ms;
            return this;
        }

        public Builder queueCapacity(int requests) {
            this.queueCapacity = requests;
            return this;
        }

        /** @param adaptive false: merge up to maxBatchSize rows whatever a merged run costs */
        public Builder adaptiveBatchSize(boolean adaptive) {
            this.adaptiveBatchSize = adaptive;
            return this;
        }

        public Builder instances(int sessions) {
            this.instances = sessions;
            return this;
        }

        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        public Builder batchInvariant(boolean invariant) {
            this.batchInvariant = invariant;
            return this;
        }
        /** @param target null for "auto" */
        public Builder target(Target target) {
            this.target = target;
            return this;
        }

        public Builder gpu(Gpu gpu) {
            this.gpu = gpu;
            return this;
        }

        public Builder memoryMb(Integer mb) {
            this.memoryMb = mb;
            return this;
        }

        public Builder latencyObjectiveMs(Integer ms) {
            this.latencyObjectiveMs = ms;
            return this;
        }

        /** @param request null for placeholder values */
        public Builder warmUp(WarmUpRequest request) {
            this.warmUp = request;
            return this;
        }

        public Builder pooling(Pooling pooling) {
            this.pooling = pooling;
            return this;
        }

        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** @param columns null: the model takes no batch jobs */
        public Builder batch(BatchColumns columns) {
            this.batch = columns;
            return this;
        }

        public Builder capture(Capture capture) {
            this.capture = capture;
            return this;
        }

        public ModelConfig build() {
            return new ModelConfig(
                    pipeline,
                    labels,
                    topK,
                    maxSequenceLength,
                    maxBatchSize,
                    maxQueueDelayMs,
                    queueCapacity,
                    adaptiveBatchSize,
                    instances,
                    intraOpThreads,
                    batchInvariant,
                    target,
                    gpu,
                    memoryMb,
                    latencyObjectiveMs,
                    warmUp,
                    pooling,
                    normalize,
                    batch,
                    capture);
        }
    }
}
