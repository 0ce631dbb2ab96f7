package dev.skiff.runtime.pipeline;

import ai.onnxruntime.OrtException;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.OnnxModel;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Class probabilities to labels: adds {@code label} (BYTES [N, k]) and {@code probability}
 * (FP32 [N, k]), best first, beside the model's own outputs.
 */
public final class ClassifierPipeline implements Pipeline {
    public static final String LABEL = "label";
    public static final String PROBABILITY = "probability";

    private final OnnxModel model;
    private final List<String> labels;
    private final int topK;
    private final TensorSpec scores;
    private final List<TensorSpec> outputs;

    public ClassifierPipeline(OnnxModel model, List<String> labels, int topK) {
        this.model = model;
        this.labels = labels;
        this.topK = Math.min(topK, labels.size());
        this.scores = scoresOutput(model);
        long classes = scores.shape()[1];
        if (classes > 0 && classes != labels.size()) {
            throw new ModelLoadException(model.file() + ": output '" + scores.name() + "' has " + classes
                    + " classes but " + labels.size() + " labels are configured");
        }
        List<TensorSpec> all = new ArrayList<>(model.outputs());
        for (TensorSpec o : model.outputs()) {
            if (o.name().equals(LABEL) || o.name().equals(PROBABILITY)) {
                throw new ModelLoadException(model.file() + ": the model has an output named '" + o.name()
                        + "', which the classifier pipeline adds itself");
            }
        }
        all.add(new TensorSpec(LABEL, DataType.BYTES, new long[] {-1, this.topK}));
        all.add(new TensorSpec(PROBABILITY, DataType.FP32, new long[] {-1, this.topK}));
        this.outputs = List.copyOf(all);
    }

    /** The first FP32 or FP64 output of shape [N, classes]. */
    private static TensorSpec scoresOutput(OnnxModel model) {
        for (TensorSpec output : model.outputs()) {
            if (output.shape().length == 2
                    && (output.datatype() == DataType.FP32 || output.datatype() == DataType.FP64)) {
                return output;
            }
        }
        throw new ModelLoadException(model.file() + ": the classifier pipeline needs an FP32 or FP64 output of shape "
                + "[N, classes]; the model gives " + model.outputs());
    }

    @Override
    public List<TensorSpec> inputs() {
        return model.inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public List<Tensor> run(List<Tensor> inputs, Set<String> wanted) throws OrtException {
        boolean topWanted = wanted.isEmpty() || wanted.contains(LABEL) || wanted.contains(PROBABILITY);
        Set<String> fromModel = wanted;
        if (!wanted.isEmpty()) {
            Set<String> names = new java.util.HashSet<>(wanted);
            names.remove(LABEL);
            names.remove(PROBABILITY);
            if (topWanted) names.add(scores.name());
            fromModel = names;
        }
        List<Tensor> out = new ArrayList<>(model.run(inputs, fromModel));
        if (topWanted) {
            for (int i = 0, n = out.size(); i < n; i++) {
                if (out.get(i).name().equals(scores.name())) {
                    addTopK(out.get(i), out);
                    break;
                }
            }
        }
        return out;
    }

    private void addTopK(Tensor probabilities, List<Tensor> out) {
        int rows = (int) probabilities.shape()[0];
        int classes = (int) probabilities.shape()[1];
        if (classes != labels.size()) {
            throw new IllegalStateException("output '" + scores.name() + "' has " + classes + " classes but "
                    + labels.size() + " labels are configured");
        }
        String[] topLabels = new String[rows * topK];
        ByteBuffer topScores = ByteBuffer.allocate(rows * topK * Float.BYTES).order(ByteOrder.nativeOrder());
        int[] best = new int[topK];
        for (int row = 0; row < rows; row++) {
            int base = row * classes;
            int found = 0;
            for (int c = 0; c < classes; c++) { // insertion into a short sorted list: k is small
                double score = probabilities.getDouble(base + c);
                int at = found;
                while (at > 0 && probabilities.getDouble(base + best[at - 1]) < score) at--;
                if (at < topK) {
                    System.arraycopy(best, at, best, at + 1, Math.min(found, topK - 1) - at);
                    best[at] = c;
                    if (found < topK) found++;
                }
            }
            for (int i = 0; i < topK; i++) {
                topLabels[row * topK + i] = labels.get(best[i]);
                topScores.putFloat((float) probabilities.getDouble(base + best[i]));
            }
        }
        long[] shape = {rows, topK};
        out.add(Tensor.strings(LABEL, shape, topLabels));
        out.add(Tensor.numeric(PROBABILITY, DataType.FP32, shape, topScores.flip()));
    }
}
