package dev.skiff.runtime.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.OnnxModel;
import dev.skiff.runtime.pipeline.text.TokenPooling;
import dev.skiff.runtime.pipeline.text.TokenizedBatch;
import dev.skiff.runtime.pipeline.text.WordPieceTokenizer;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sentence embeddings: BYTES {@code text} [N] in, FP32 {@code embedding} [N, dim] out. Tokenizes
 * with the model's tokenizer.json (BERT WordPiece; another tokenizer type is refused at load, naming
 * it), runs the encoder, pools its first output over the attention mask as config.json's
 * {@code "pooling"} says (mean by default, CLS or max) and L2-normalizes unless {@code "normalize"}
 * is false.
 */
public final class TextEmbeddingPipeline implements Pipeline {
    public static final String TEXT = "text";
    public static final String EMBEDDING = "embedding";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private final OnnxModel model;
    private final WordPieceTokenizer tokenizer;
    private final int maxSequenceLength;
    private final boolean batchInvariant;
    private final ModelConfig.Pooling pooling;
    private final boolean normalize;
    private final String hiddenStates;
    private final boolean takesTokenTypes;
    private final int dimension;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;

    private TextEmbeddingPipeline(OnnxModel model, WordPieceTokenizer tokenizer, ModelConfig config) {
        this.model = model;
        this.batchInvariant = config.batchInvariant();
        this.pooling = config.pooling();
        this.normalize = config.normalize();
        this.tokenizer = tokenizer;
        this.maxSequenceLength = config.maxSequenceLength();
        Set<String> names = new java.util.HashSet<>();
        for (TensorSpec spec : model.inputs()) names.add(spec.name());
        if (!names.contains("input_ids") || !names.contains("attention_mask")) {
            throw new ModelLoadException(model.file() + ": the text-embedding pipeline needs inputs 'input_ids' and "
                    + "'attention_mask'; the model takes " + model.inputs());
        }
        this.takesTokenTypes = names.contains("token_type_ids");
        TensorSpec hidden = model.outputs().get(0);
        long[] shape = hidden.shape();
        if (shape.length != 3 || shape[2] <= 0 || hidden.datatype() != DataType.FP32) {
            throw new ModelLoadException(model.file() + ": the text-embedding pipeline needs a first output of FP32 "
                    + "[batch, tokens, dim] with a fixed dim; the model gives " + hidden);
        }
        this.hiddenStates = hidden.name();
        this.dimension = (int) shape[2];
        this.inputs = List.of(new TensorSpec(TEXT, DataType.BYTES, new long[] {-1}));
        this.outputs = List.of(new TensorSpec(EMBEDDING, DataType.FP32, new long[] {-1, dimension}));
    }

    /**
     * The config's maxSequenceLength, pooling and normalize apply; batchInvariant false (a row's
     * output depends on the rows beside it, as dynamically quantized models compute activation
     * scales over the whole batch) runs each text on its own, so a text always gets the same embedding.
     */
    public static TextEmbeddingPipeline load(OnnxModel model, Path versionDir, ModelConfig config) {
        Path file = versionDir.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("the text-embedding pipeline needs " + file);
        }
        try {
            return new TextEmbeddingPipeline(model, WordPieceTokenizer.load(file), config);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputs;
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public List<Tensor> run(List<Tensor> tensors, Set<String> wanted) throws OrtException {
        String[] texts = tensors.get(0).strings();
        if (batchInvariant || texts.length == 1) {
            return List.of(
                    Tensor.ofFloats(EMBEDDING, new long[] {texts.length, dimension}, embed(Arrays.asList(texts))));
        }
        float[] all = new float[texts.length * dimension];
        for (int row = 0; row < texts.length; row++) {
            System.arraycopy(embed(List.of(texts[row])), 0, all, row * dimension, dimension);
        }
        return List.of(Tensor.ofFloats(EMBEDDING, new long[] {texts.length, dimension}, all));
    }

    private float[] embed(List<String> texts) throws OrtException {
        TokenizedBatch batch = tokenizer.encode(texts, maxSequenceLength);
        long[] shape = {batch.rows(), batch.sequenceLength()};
        OrtEnvironment env = model.environment();
        Map<String, OnnxTensor> feed = new HashMap<>(6);
        try {
            feed.put("input_ids", OnnxTensor.createTensor(env, direct(batch.inputIds()), shape));
            feed.put("attention_mask", OnnxTensor.createTensor(env, direct(batch.attentionMask()), shape));
            if (takesTokenTypes)
                feed.put("token_type_ids", OnnxTensor.createTensor(env, direct(batch.tokenTypeIds()), shape));
            Tensor hidden = model.run(feed, Set.of(hiddenStates)).get(0);
            return TokenPooling.pool(
                    pooling,
                    normalize,
                    hidden.data().asFloatBuffer(),
                    batch.attentionMask(),
                    batch.rows(),
                    batch.sequenceLength(),
                    dimension);
        } finally {
            for (OnnxTensor t : feed.values()) t.close();
        }
    }

    private static LongBuffer direct(long[] values) {
        LongBuffer buffer = ByteBuffer.allocateDirect(values.length * Long.BYTES)
                .order(ByteOrder.nativeOrder())
                .asLongBuffer();
        buffer.put(values).flip();
        return buffer;
    }
}
