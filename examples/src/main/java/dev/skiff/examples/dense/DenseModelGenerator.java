package dev.skiff.examples.dense;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Writes the dense example: a multilayer perceptron with wide hidden layers and random weights
 * drawn from a fixed seed, so the same arguments always give the same bytes. It stands for the
 * models batching is for: one row costs a pass over every weight (memory bound), and a batch of
 * rows reuses each weight it loads, so a run of 32 rows costs far less than 32 runs of one.
 *
 * <p>Usage: {@code DenseModelGenerator <model.onnx> [--seed N]}. Does nothing when the file
 * already holds what it would write.
 */
public final class DenseModelGenerator {
    public static final long DEFAULT_SEED = 20261206L;
    public static final String INPUT_NAME = "features";
    public static final String OUTPUT_NAME = "scores";
    /** Input width, the hidden layers' widths, output width. */
    public static final int[] LAYERS = {256, 2048, 2048, 2048, 16};

    private DenseModelGenerator() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--seed"))) {
            System.err.println("usage: DenseModelGenerator <model.onnx> [--seed N]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        long seed = args.length == 3 ? Long.parseLong(args[2]) : DEFAULT_SEED;
        byte[] model = build(LAYERS, seed).toByteArray();
        if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), model)) {
            System.out.println(file + " is up to date");
            return;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(model);
        }
        System.out.printf(
                "wrote %s: layers %s, seed %d, %,d bytes%n", file, Arrays.toString(LAYERS), seed, model.length);
    }

    /** Gemm + Relu per hidden layer, then a last Gemm; the batch dimension is symbolic. */
    public static OnnxMl.ModelProto build(int[] layers, long seed) {
        Random random = new Random(seed);
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder()
                .setName("skiff-dense-mlp")
                .addInput(floatValue(INPUT_NAME, layers[0]))
                .addOutput(floatValue(OUTPUT_NAME, layers[layers.length - 1]));
        String value = INPUT_NAME;
        for (int i = 0; i + 1 < layers.length; i++) {
            String weights = "w" + i, bias = "b" + i;
            boolean last = i + 2 == layers.length;
            String product = last ? OUTPUT_NAME : "gemm" + i;
            // He initialization keeps the activations' scale steady through the ReLU layers
            graph.addInitializer(tensor(weights, random, Math.sqrt(2.0 / layers[i]), layers[i], layers[i + 1]));
            graph.addInitializer(tensor(bias, random, 0.01, layers[i + 1]));
            graph.addNode(node("Gemm", product, value, weights, bias));
            if (!last) {
                graph.addNode(node("Relu", "relu" + i, product));
                value = "relu" + i;
            }
        }
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("skiff-examples")
                .setDomain("dev.skiff.examples.dense")
                .setModelVersion(1)
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("seed")
                        .setValue(Long.toString(seed)))
                .setGraph(graph)
                .build();
    }

    private static OnnxMl.NodeProto node(String op, String output, String... inputs) {
        return OnnxMl.NodeProto.newBuilder()
                .setOpType(op)
                .setName(output + "_" + op)
                .addAllInput(Arrays.asList(inputs))
                .addOutput(output)
                .build();
    }

    /** Gaussian values of the given scale, little-endian as ONNX stores raw data. */
    private static OnnxMl.TensorProto tensor(String name, Random random, double scale, int... dims) {
        int count = 1;
        for (int d : dims) count *= d;
        ByteBuffer raw = ByteBuffer.allocate(count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) raw.putFloat((float) (random.nextGaussian() * scale));
        OnnxMl.TensorProto.Builder tensor = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(raw.array()));
        for (int d : dims) tensor.addDims(d);
        return tensor.build();
    }

    private static OnnxMl.ValueInfoProto floatValue(String name, int width) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }
}
