package dev.skiff.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ONNX models for tests (identity, cast, add, matmul graphs over any element type),
 * encoding the ONNX protobuf by hand so tests need no ONNX tooling. Declare the graph's inputs and
 * outputs, add its nodes (ONNX operators, wired by value name), then build or write it:
 * <pre>{@code
 * // y = x * 2, for any batch of rows of 2 floats
 * OnnxModelBuilder doubling = new OnnxModelBuilder()
 *         .input("x", OnnxModelBuilder.FLOAT, "n", 2)
 *         .output("y", OnnxModelBuilder.FLOAT, "n", 2)
 *         .node("Add", List.of("x", "x"), List.of("y"));
 * doubling.writeTo(dir.resolve("model.onnx"));
 *
 * // a repository folder as Skiff loads it: <root>/<model>/<version>/model.onnx and config.json
 * Repositories.model(root, "double", 1, doubling, "{\"maxBatchSize\": 8}");
 *
 * // weights, and operators with attributes
 * new OnnxModelBuilder().input("i", OnnxModelBuilder.INT64, "n").output("y", OnnxModelBuilder.FLOAT, "n", 2)
 *         .floatInitializer("table", 10, 2)
 *         .node("Gather", List.of("table", "i"), List.of("y"), OnnxModelBuilder.intAttribute("axis", 0));
 * }</pre>
 * The shortest model is {@link #identity}: {@code OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 4)}.
 */
public final class OnnxModelBuilder {
    /** ONNX TensorProto.DataType numbers. */
    public static final int FLOAT = 1,
            UINT8 = 2,
            INT8 = 3,
            UINT16 = 4,
            INT16 = 5,
            INT32 = 6,
            INT64 = 7,
            STRING = 8,
            BOOL = 9,
            FLOAT16 = 10,
            DOUBLE = 11,
            UINT32 = 12,
            UINT64 = 13,
            BFLOAT16 = 16;

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private int opset = 17;

    /**
     * A graph input.
     *
     * @param elemType one of the element type constants, such as {@link #FLOAT}
     * @param dims each a number, or a String for a symbolic (variable) one such as "batch"
     */
    public OnnxModelBuilder input(String name, int elemType, Object... dims) {
        inputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    /** A graph output; its dimensions as {@link #input}'s. */
    public OnnxModelBuilder output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    /**
     * A node: an ONNX operator (such as "Add", "MatMul", "Cast") from the named values to new ones.
     *
     * @param attributes from {@link #intAttribute}, for operators that take them
     */
    public OnnxModelBuilder node(String opType, List<String> in, List<String> out, byte[]... attributes) {
        Proto node = new Proto();
        for (String i : in) node.string(1, i);
        for (String o : out) node.string(2, o);
        node.string(3, opType + "_" + nodes.size());
        node.string(4, opType);
        for (byte[] attribute : attributes) node.bytes(5, attribute);
        nodes.add(node.toBytes());
        return this;
    }

    /** A float initializer (weights) of the given shape, filled by a simple deterministic pattern. */
    public OnnxModelBuilder floatInitializer(String name, long... dims) {
        long count = 1;
        for (long d : dims) count *= d;
        byte[] raw = new byte[(int) (count * 4)];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) b.putFloat(((i * 7919) % 1000) / 1000f - 0.5f);
        Proto tensor = new Proto();
        for (long d : dims) tensor.varint(1, d);
        tensor.varint(2, FLOAT);
        tensor.string(8, name);
        tensor.bytes(9, raw);
        initializers.add(tensor.toBytes());
        return this;
    }

    /** An integer attribute of a node, such as Cast's {@code to} or Gather's {@code axis}. */
    public static byte[] intAttribute(String name, long value) {
        Proto attribute = new Proto();
        attribute.string(1, name);
        attribute.varint(3, value);
        attribute.varint(20, 2); // AttributeType INT
        return attribute.toBytes();
    }

    /** The ONNX operator set the model declares (default 17). */
    public OnnxModelBuilder opset(int version) {
        this.opset = version;
        return this;
    }

    /** The model file's bytes. */
    public byte[] build() {
        Proto graph = new Proto();
        for (byte[] node : nodes) graph.bytes(1, node);
        graph.string(2, "skiff_test");
        for (byte[] init : initializers) graph.bytes(5, init);
        for (byte[] in : inputs) graph.bytes(11, in);
        for (byte[] out : outputs) graph.bytes(12, out);
        Proto opsetId = new Proto();
        opsetId.string(1, "");
        opsetId.varint(2, opset);
        Proto model = new Proto();
        model.varint(1, 8); // IR version 8
        model.string(2, "skiff-tests");
        model.bytes(7, graph.toBytes());
        model.bytes(8, opsetId.toBytes());
        return model.toBytes();
    }

    /** Writes the model to the file, creating its folders; returns the file. */
    public Path writeTo(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, build());
        return file;
    }

    /** A model whose output {@code y} is its input {@code x}, for any element type. */
    /** A request {@link #range()} answers with [0, 1, 2]; with its delta 0 it fails. */
    public static final String RANGE_0_TO_3 = "{\"inputs\":["
            + "{\"name\":\"start\",\"datatype\":\"INT64\",\"shape\":[],\"data\":[0]},"
            + "{\"name\":\"limit\",\"datatype\":\"INT64\",\"shape\":[],\"data\":[3]},"
            + "{\"name\":\"delta\",\"datatype\":\"INT64\",\"shape\":[],\"data\":[1]}]}";

    /**
     * {@code y = Range(start, limit, delta)} over INT64 scalars: a model whose inputs cannot be
     * zeros (a step of 0 is an error), as warm-up tests need.
     */
    public static OnnxModelBuilder range() {
        return new OnnxModelBuilder()
                .input("start", INT64)
                .input("limit", INT64)
                .input("delta", INT64)
                .output("y", INT64, "n")
                .node("Range", List.of("start", "limit", "delta"), List.of("y"));
    }

    public static OnnxModelBuilder identity(int elemType, Object... dims) {
        return new OnnxModelBuilder()
                .input("x", elemType, dims)
                .output("y", elemType, dims)
                .node("Identity", List.of("x"), List.of("y"));
    }

    private static byte[] valueInfo(String name, int elemType, Object[] dims) {
        Proto shape = new Proto();
        for (Object dim : dims) {
            Proto d = new Proto();
            if (dim instanceof String param) d.string(2, param);
            else if (dim instanceof Number size) d.varint(1, size.longValue());
            else throw new IllegalArgumentException(name + ": a dimension is a number or a symbolic name, not " + dim);
            shape.bytes(1, d.toBytes());
        }
        Proto tensorType = new Proto();
        tensorType.varint(1, elemType);
        tensorType.bytes(2, shape.toBytes());
        Proto type = new Proto();
        type.bytes(1, tensorType.toBytes());
        Proto info = new Proto();
        info.string(1, name);
        info.bytes(2, type.toBytes());
        return info.toBytes();
    }

    /** The protobuf wire format, as much of it as ONNX models need. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void varint(int field, long value) {
            tag(field, 0);
            rawVarint(value);
        }

        void string(int field, String value) {
            bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(int field, byte[] value) {
            tag(field, 2);
            rawVarint(value.length);
            out.writeBytes(value);
        }

        private void tag(int field, int wireType) {
            rawVarint(((long) field << 3) | wireType);
        }

        private void rawVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
