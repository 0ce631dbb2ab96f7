package dev.skiff.deployer.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the parts of an ONNX ModelProto that the plan needs (initializer shapes and types, node
 * operator types, opsets) straight from the protobuf wire format. Weights are skipped, never
 * read, so a multi-gigabyte file costs only its structure; no ONNX tooling is needed.
 */
public final class OnnxFileReader {
    // ModelProto
    private static final int MODEL_GRAPH = 7, MODEL_OPSET_IMPORT = 8;
    // GraphProto
    private static final int GRAPH_NODE = 1, GRAPH_INITIALIZER = 5;
    // NodeProto
    private static final int NODE_OP_TYPE = 4, NODE_DOMAIN = 7, NODE_ATTRIBUTE = 5;
    // AttributeProto: subgraphs of If / Loop / Scan
    private static final int ATTRIBUTE_GRAPH = 6, ATTRIBUTE_GRAPHS = 11;
    // TensorProto
    private static final int TENSOR_DIMS = 1, TENSOR_DATA_TYPE = 2;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1, OPSET_VERSION = 2;

    private long parameterBytes;
    private long parameterCount;
    private int initializerCount;
    private final TreeMap<String, Integer> operators = new TreeMap<>();
    private final Map<String, Long> opsets = new LinkedHashMap<>();

    private OnnxFileReader() {}

    /** Summarizes a model file; files over 2 GB use ONNX external data, so their .onnx stays small. */
    public static OnnxGraphSummary read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new IOException(file + " is over 2 GB; ONNX keeps such weights in external data files");
            }
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            OnnxFileReader reader = new OnnxFileReader();
            try {
                reader.model(buffer.order(ByteOrder.LITTLE_ENDIAN));
            } catch (RuntimeException e) {
                throw new IOException(file + " is not a readable ONNX model: " + e.getMessage(), e);
            }
            return new OnnxGraphSummary(
                    reader.parameterBytes,
                    reader.parameterCount,
                    reader.initializerCount,
                    reader.operators,
                    reader.opsets);
        }
    }

    private void model(ByteBuffer in) {
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            if (field == MODEL_GRAPH && wireType(tag) == 2) graph(message(in));
            else if (field == MODEL_OPSET_IMPORT && wireType(tag) == 2) opset(message(in));
            else skip(in, tag);
        }
    }

    private void graph(ByteBuffer in) {
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            if (field == GRAPH_NODE && wireType(tag) == 2) node(message(in));
            else if (field == GRAPH_INITIALIZER && wireType(tag) == 2) initializer(message(in));
            else skip(in, tag);
        }
    }

    private void node(ByteBuffer in) {
        String opType = null, domain = "";
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            if (field == NODE_OP_TYPE && wireType(tag) == 2) opType = string(in);
            else if (field == NODE_DOMAIN && wireType(tag) == 2) domain = string(in);
            else if (field == NODE_ATTRIBUTE && wireType(tag) == 2) attribute(message(in));
            else skip(in, tag);
        }
        if (opType != null) operators.merge(domain.isEmpty() ? opType : domain + "." + opType, 1, Integer::sum);
    }

    private void attribute(ByteBuffer in) {
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            if ((field == ATTRIBUTE_GRAPH || field == ATTRIBUTE_GRAPHS) && wireType(tag) == 2) graph(message(in));
            else skip(in, tag);
        }
    }

    private void initializer(ByteBuffer in) {
        long elements = 1;
        int dataType = 0;
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            if (field == TENSOR_DIMS && wireType(tag) == 0) elements *= varint(in);
            else if (field == TENSOR_DIMS && wireType(tag) == 2) { // packed dims
                ByteBuffer dims = message(in);
                while (dims.hasRemaining()) elements *= varint(dims);
            } else if (field == TENSOR_DATA_TYPE && wireType(tag) == 0) dataType = (int) varint(in);
            else skip(in, tag);
        }
        initializerCount++;
        parameterCount += elements;
        parameterBytes += (long) Math.ceil(elements * elementBytes(dataType));
    }

    private void opset(ByteBuffer in) {
        String domain = "";
        long version = 0;
        while (in.hasRemaining()) {
            long tag = varint(in);
            int field = (int) (tag >>> 3);
            if (field == OPSET_DOMAIN && wireType(tag) == 2) domain = string(in);
            else if (field == OPSET_VERSION && wireType(tag) == 0) version = varint(in);
            else skip(in, tag);
        }
        opsets.put(domain, version);
    }

    /** Bytes per element of an ONNX TensorProto.DataType (4-bit types take half a byte). */
    static double elementBytes(int dataType) {
        return switch (dataType) {
            case 2, 3, 9, 17, 18, 19, 20, 23 -> 1; // uint8, int8, bool, float8 variants
            case 4, 5, 10, 16 -> 2; // uint16, int16, float16, bfloat16
            case 1, 6, 12 -> 4; // float, int32, uint32
            case 7, 11, 13, 14 -> 8; // int64, double, uint64, complex64
            case 15 -> 16; // complex128
            case 21, 22 -> 0.5; // uint4, int4
            default -> 0; // strings and unknown types: no fixed size
        };
    }

    private static int wireType(long tag) {
        return (int) (tag & 7);
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new IllegalStateException("malformed varint at byte " + in.position());
    }

    /** A length-delimited field as a view of its bytes; the input moves past it. */
    private static ByteBuffer message(ByteBuffer in) {
        int length = (int) varint(in);
        ByteBuffer slice = in.slice(in.position(), length).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + length);
        return slice;
    }

    private static String string(ByteBuffer in) {
        ByteBuffer bytes = message(in);
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        return new String(array, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void skip(ByteBuffer in, long tag) {
        switch (wireType(tag)) {
            case 0 -> varint(in);
            case 1 -> in.position(in.position() + 8);
            case 2 -> {
                int length = (int) varint(in);
                in.position(in.position() + length);
            }
            case 5 -> in.position(in.position() + 4);
            default ->
                throw new IllegalStateException("unsupported wire type " + wireType(tag) + " at byte " + in.position());
        }
    }
}
