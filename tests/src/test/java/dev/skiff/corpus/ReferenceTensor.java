package dev.skiff.corpus;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.RawTensors;
import dev.skiff.runtime.protocol.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One tensor of the ONNX backend tests (a TensorProto .pb file), ONNX Runtime's answer, or Skiff's
 * JSON answer, in one form: the protocol datatype, the shape, and the elements as little-endian bytes
 * (strings as strings). Knows how to feed itself to ONNX Runtime, how to write itself as a protocol
 * input, and how close it is to another.
 */
record ReferenceTensor(String name, DataType type, long[] shape, ByteBuffer bytes, String[] strings) {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Reads a TensorProto file. */
    static ReferenceTensor read(Path pb) throws IOException {
        try (InputStream in = Files.newInputStream(pb)) {
            return of(OnnxMl.TensorProto.parseFrom(in));
        }
    }

    static ReferenceTensor of(OnnxMl.TensorProto proto) {
        DataType type = dataType(proto.getDataType());
        long[] shape = proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int count = Math.toIntExact(elements(shape));
        if (type == DataType.BYTES) {
            String[] strings = proto.getStringDataList().stream()
                    .map(s -> s.toString(StandardCharsets.UTF_8))
                    .toArray(String[]::new);
            return new ReferenceTensor(proto.getName(), type, shape, null, strings);
        }
        ByteBuffer bytes = ByteBuffer.allocate(count * type.elementSize).order(ByteOrder.LITTLE_ENDIAN);
        if (!proto.getRawData().isEmpty()) {
            bytes.put(proto.getRawData().asReadOnlyByteBuffer());
        } else {
            // the typed fields: which one holds a type is fixed by onnx.proto
            for (int i = 0; i < count; i++) {
                switch (type) {
                    case FP32 -> bytes.putFloat(proto.getFloatData(i));
                    case FP64 -> bytes.putDouble(proto.getDoubleData(i));
                    case INT64 -> bytes.putLong(proto.getInt64Data(i));
                    case UINT32 -> bytes.putInt((int) proto.getUint64Data(i));
                    case UINT64 -> bytes.putLong(proto.getUint64Data(i));
                    case INT32 -> bytes.putInt(proto.getInt32Data(i));
                    case INT16, UINT16, FP16, BF16 -> bytes.putShort((short) proto.getInt32Data(i));
                    case INT8, UINT8, BOOL -> bytes.put((byte) proto.getInt32Data(i));
                    default -> throw new IllegalStateException(type.toString());
                }
            }
        }
        return new ReferenceTensor(proto.getName(), type, shape, bytes.flip(), null);
    }

    /** The protocol datatype of onnx.proto's TensorProto.DataType number. */
    private static DataType dataType(int onnx) {
        return switch (onnx) {
            case 1 -> DataType.FP32;
            case 2 -> DataType.UINT8;
            case 3 -> DataType.INT8;
            case 4 -> DataType.UINT16;
            case 5 -> DataType.INT16;
            case 6 -> DataType.INT32;
            case 7 -> DataType.INT64;
            case 8 -> DataType.BYTES;
            case 9 -> DataType.BOOL;
            case 10 -> DataType.FP16;
            case 11 -> DataType.FP64;
            case 12 -> DataType.UINT32;
            case 13 -> DataType.UINT64;
            case 16 -> DataType.BF16;
            // 14, 15 complex; 17 and up the float8 and 4-bit types
            default ->
                throw new UnsupportedOperationException(
                        "TensorProto element type " + onnx + ", which the protocol cannot carry");
        };
    }

    /** ONNX Runtime's output, copied. */
    static ReferenceTensor of(String name, OnnxTensor tensor) throws OrtException {
        TensorInfo info = tensor.getInfo();
        DataType type = DataType.fromOnnx(info.onnxType);
        if (type == null) throw new UnsupportedOperationException("element type " + info.onnxType);
        if (type == DataType.BYTES) {
            Object value = tensor.getValue();
            String[] strings = value instanceof String s ? new String[] {s} : flatten(value);
            return new ReferenceTensor(name, type, info.getShape(), null, strings);
        }
        ByteBuffer source = tensor.getByteBuffer().order(ByteOrder.nativeOrder());
        ByteBuffer bytes = ByteBuffer.allocate(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        // native order is little-endian on every platform ONNX Runtime's Java package ships for
        bytes.put(source);
        return new ReferenceTensor(name, type, info.getShape(), bytes.flip(), null);
    }

    /** A protocol output tensor from a JSON answer: {"name", "datatype", "shape", "data"}. */
    static ReferenceTensor of(JsonNode output) {
        DataType type = DataType.fromName(output.path("datatype").asText());
        if (type == null) throw new IllegalArgumentException("unknown datatype in " + output);
        long[] shape = new long[output.path("shape").size()];
        for (int i = 0; i < shape.length; i++)
            shape[i] = output.get("shape").get(i).asLong();
        JsonNode data = output.path("data");
        int count = Math.toIntExact(elements(shape));
        if (data.size() != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " but " + data.size() + " elements");
        }
        String name = output.path("name").asText();
        if (type == DataType.BYTES) {
            String[] strings = new String[count];
            for (int i = 0; i < count; i++) strings[i] = data.get(i).asText();
            return new ReferenceTensor(name, type, shape, null, strings);
        }
        ByteBuffer bytes = ByteBuffer.allocate(count * type.elementSize).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            JsonNode e = data.get(i);
            switch (type) {
                case FP32 -> bytes.putFloat((float) number(e));
                case FP64 -> bytes.putDouble(number(e));
                case FP16 -> bytes.putShort(Float.floatToFloat16((float) number(e)));
                case BF16 -> bytes.putShort((short) (Float.floatToRawIntBits((float) number(e)) >>> 16));
                case BOOL -> bytes.put((byte) (e.asBoolean() ? 1 : 0));
                case INT8, UINT8 -> bytes.put((byte) e.asLong());
                case INT16, UINT16 -> bytes.putShort((short) e.asLong());
                case INT32, UINT32 -> bytes.putInt((int) e.asLong());
                case INT64 -> bytes.putLong(e.asLong());
                case UINT64 -> bytes.putLong(e.bigIntegerValue().longValue());
                default -> throw new IllegalStateException(type.toString());
            }
        }
        return new ReferenceTensor(name, type, shape, bytes.flip(), null);
    }

    /** Whether ONNX Runtime's Java API can feed this tensor to a model. */
    boolean feedable() {
        return type.canBeModelInput();
    }

    OnnxTensor toOnnx(OrtEnvironment env) throws OrtException {
        if (type == DataType.BYTES) return OnnxTensor.createTensor(env, strings, shape);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.remaining()).order(ByteOrder.nativeOrder());
        direct.put(bytes.duplicate()).flip();
        OnnxJavaType javaType = type.javaType;
        return OnnxTensor.createTensor(env, direct, shape, javaType);
    }

    /** The protocol's tensor, as the binary data extension carries it (little-endian raw bytes). */
    Tensor toTensor(String inputName) {
        if (type == DataType.BYTES) return Tensor.strings(inputName, shape, strings);
        return RawTensors.read(inputName, type, shape, bytes.duplicate(), "input '" + inputName + "'");
    }

    /** The protocol's JSON input tensor; NaN and the infinities as the protocol's strings. */
    ObjectNode toJson(String inputName) {
        ObjectNode input = NODES.objectNode();
        input.put("name", inputName);
        input.put("datatype", type.name());
        ArrayNode dims = input.putArray("shape");
        for (long d : shape) dims.add(d);
        ArrayNode data = input.putArray("data");
        int count = count();
        for (int i = 0; i < count; i++) {
            switch (type) {
                case BYTES -> data.add(strings[i]);
                case BOOL -> data.add(bytes.get(i) != 0);
                case INT64 -> data.add(bytes.getLong(i * 8));
                case UINT64 -> data.add(new BigInteger(Long.toUnsignedString(bytes.getLong(i * 8))));
                case INT8, UINT8, INT16, UINT16, INT32, UINT32 -> data.add((long) integer(i));
                default -> {
                    double value = real(i);
                    if (Double.isFinite(value)) {
                        if (type == DataType.FP64) data.add(value);
                        else data.add((float) value);
                    } else data.add(Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
                }
            }
        }
        return input;
    }

    int count() {
        return type == DataType.BYTES ? strings.length : bytes.remaining() / type.elementSize;
    }

    /**
     * Null when {@code actual} equals this within the backend tests' tolerance (|a - e| ≤ atol + rtol·|e|
     * for reals, NaN equal to NaN; exact otherwise), else what differs.
     */
    String mismatch(ReferenceTensor actual, double rtol, double atol) {
        if (type == DataType.UINT16 && actual.type == DataType.BF16) {
            // ONNX 1.12's backend data stores BFLOAT16 references as their UINT16 bits
            return new ReferenceTensor(name, DataType.BF16, shape, bytes, null).mismatch(actual, rtol, atol);
        }
        if (actual.type != type) return "datatype " + actual.type + ", expected " + type;
        if (!Arrays.equals(actual.shape, shape)) {
            return "shape " + Arrays.toString(actual.shape) + ", expected " + Arrays.toString(shape);
        }
        int count = count();
        if (actual.count() != count) return actual.count() + " elements, expected " + count;
        for (int i = 0; i < count; i++) {
            String differs = null;
            switch (type) {
                case BYTES -> {
                    if (!strings[i].equals(actual.strings[i]))
                        differs = "'" + actual.strings[i] + "' vs '" + strings[i] + "'";
                }
                case FP16, BF16, FP32, FP64 -> {
                    double e = real(i), a = actual.real(i);
                    boolean same =
                            Double.isNaN(e) ? Double.isNaN(a) : e == a || Math.abs(a - e) <= atol + rtol * Math.abs(e);
                    if (!same) differs = a + " vs " + e;
                }
                default -> {
                    if (integer(i) != actual.integer(i)) differs = actual.integer(i) + " vs " + integer(i);
                }
            }
            if (differs != null) return "element " + i + ": " + differs + " expected";
        }
        return null;
    }

    private double real(int i) {
        return switch (type) {
            case FP32 -> bytes.getFloat(i * 4);
            case FP64 -> bytes.getDouble(i * 8);
            case FP16 -> Float.float16ToFloat(bytes.getShort(i * 2));
            case BF16 -> Float.intBitsToFloat((bytes.getShort(i * 2) & 0xffff) << 16);
            default -> throw new IllegalStateException(type.toString());
        };
    }

    /** An integer element, unsigned types zero-extended (UINT64 as its bits). */
    private long integer(int i) {
        return switch (type) {
            case BOOL, UINT8 -> bytes.get(i) & 0xffL;
            case INT8 -> bytes.get(i);
            case INT16 -> bytes.getShort(i * 2);
            case UINT16 -> bytes.getShort(i * 2) & 0xffffL;
            case INT32 -> bytes.getInt(i * 4);
            case UINT32 -> bytes.getInt(i * 4) & 0xffffffffL;
            case INT64, UINT64 -> bytes.getLong(i * 8);
            default -> throw new IllegalStateException(type.toString());
        };
    }

    private static double number(JsonNode e) {
        if (e.isTextual()) {
            return switch (e.asText().toLowerCase(Locale.ROOT)) {
                case "nan" -> Double.NaN;
                case "infinity", "inf" -> Double.POSITIVE_INFINITY;
                case "-infinity", "-inf" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("not a number: " + e);
            };
        }
        return e.asDouble();
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    private static String[] flatten(Object array) {
        List<String> out = new java.util.ArrayList<>();
        flattenInto(array, out);
        return out.toArray(String[]::new);
    }

    private static void flattenInto(Object array, List<String> out) {
        int length = java.lang.reflect.Array.getLength(array);
        for (int i = 0; i < length; i++) {
            Object element = java.lang.reflect.Array.get(array, i);
            if (element instanceof String s) out.add(s);
            else flattenInto(element, out);
        }
    }
}
