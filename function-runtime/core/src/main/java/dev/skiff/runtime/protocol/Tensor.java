package dev.skiff.runtime.protocol;

import ai.onnxruntime.platform.Fp16Conversions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named tensor as the protocol carries it: numbers in a native-order byte buffer (fed to ONNX
 * Runtime without boxing or copying), strings for BYTES.
 */
public final class Tensor {
    private final String name;
    private final DataType datatype;
    private final long[] shape;
    private final ByteBuffer data; // numeric types, native byte order, position 0
    private final String[] strings; // BYTES only

    private Tensor(String name, DataType datatype, long[] shape, ByteBuffer data, String[] strings) {
        this.name = name;
        this.datatype = datatype;
        this.shape = shape;
        this.data = data;
        this.strings = strings;
    }

    public static Tensor numeric(String name, DataType datatype, long[] shape, ByteBuffer data) {
        if (datatype == DataType.BYTES) throw new IllegalArgumentException("BYTES tensors hold strings");
        return new Tensor(name, datatype, shape, data.order(ByteOrder.nativeOrder()), null);
    }

    public static Tensor strings(String name, long[] shape, String[] values) {
        return new Tensor(name, DataType.BYTES, shape, null, values);
    }

    public static Tensor ofFloats(String name, long[] shape, float[] values) {
        ByteBuffer buffer =
                ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        buffer.asFloatBuffer().put(values);
        return numeric(name, DataType.FP32, shape, buffer);
    }

    /** The same data under another name (pipelines rename what the model produced). */
    public Tensor renamed(String newName) {
        return new Tensor(newName, datatype, shape, data, strings);
    }

    public String name() {
        return name;
    }

    public DataType datatype() {
        return datatype;
    }

    public long[] shape() {
        return shape;
    }
    /** Numeric data in native byte order; null for BYTES. Read with absolute gets, it is shared. */
    public ByteBuffer data() {
        return data;
    }
    /** The strings of a BYTES tensor; null otherwise. */
    public String[] strings() {
        return strings;
    }

    public int elementCount() {
        return datatype == DataType.BYTES ? strings.length : data.capacity() / datatype.elementSize;
    }

    /** Element i as a double, for numeric types (tests and pipelines that read scores). */
    public double getDouble(int i) {
        return switch (datatype) {
            case BOOL, UINT8 -> data.get(i) & 0xFF;
            case INT8 -> data.get(i);
            case INT16 -> data.getShort(i * 2);
            case UINT16 -> data.getShort(i * 2) & 0xFFFF;
            case INT32 -> data.getInt(i * 4);
            case UINT32 -> Integer.toUnsignedLong(data.getInt(i * 4));
            case INT64 -> data.getLong(i * 8);
            case UINT64 -> Double.parseDouble(Long.toUnsignedString(data.getLong(i * 8)));
            case FP16 -> Float.float16ToFloat(data.getShort(i * 2));
            case BF16 -> Fp16Conversions.bf16ToFloat(data.getShort(i * 2));
            case FP32 -> data.getFloat(i * 4);
            case FP64 -> data.getDouble(i * 8);
            case BYTES -> throw new IllegalStateException("BYTES tensor '" + name + "' has no numbers");
        };
    }

    @Override
    public String toString() {
        return name + " " + datatype + Arrays.toString(shape);
    }
}
