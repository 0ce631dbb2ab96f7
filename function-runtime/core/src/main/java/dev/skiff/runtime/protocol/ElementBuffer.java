package dev.skiff.runtime.protocol;

import ai.onnxruntime.platform.Fp16Conversions;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Collects the elements of one tensor straight from the JSON tokens into a native-order direct
 * buffer (or strings for BYTES), checking each against the datatype as it comes.
 */
final class ElementBuffer {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final String tensorName;
    private final DataType type;
    private final long maxElements;
    private ByteBuffer bytes;
    private String[] strings;
    private int count;

    /**
     * @param expectedElements the count the shape announces, or -1 when unknown (the buffer grows)
     * @param maxElements      no more elements are accepted than this (guards memory against bogus shapes)
     */
    ElementBuffer(String tensorName, DataType type, long expectedElements, long maxElements) {
        this.tensorName = tensorName;
        this.type = type;
        this.maxElements = maxElements;
        int initial = (int) Math.max(16, Math.min(expectedElements < 0 ? 64 : expectedElements, maxElements));
        if (type == DataType.BYTES) {
            strings = new String[initial];
        } else {
            bytes = ByteBuffer.allocateDirect(initial * type.elementSize).order(ByteOrder.nativeOrder());
        }
    }

    int count() {
        return count;
    }

    /** Reads the scalar the parser stands on as the next element. */
    void add(JsonParser p) throws IOException {
        if (count >= maxElements) {
            throw ProtocolException.badRequest(
                    "input '" + tensorName + "': more data elements than its shape holds (" + maxElements + ")");
        }
        if (type == DataType.BYTES) {
            if (p.currentToken() != JsonToken.VALUE_STRING) throw wrongElement(p, "a string");
            if (count == strings.length) strings = Arrays.copyOf(strings, grow(strings.length));
            strings[count++] = p.getText();
            return;
        }
        if ((count + 1) * type.elementSize > bytes.capacity()) {
            ByteBuffer larger = ByteBuffer.allocateDirect(grow(bytes.capacity() / type.elementSize) * type.elementSize)
                    .order(ByteOrder.nativeOrder());
            larger.put(bytes.flip());
            bytes = larger;
        }
        switch (type) {
            case BOOL -> {
                JsonToken t = p.currentToken();
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) throw wrongElement(p, "true or false");
                bytes.put((byte) (t == JsonToken.VALUE_TRUE ? 1 : 0));
            }
            case INT8 -> bytes.put((byte) integer(p, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case UINT8 -> bytes.put((byte) integer(p, 0, 255));
            case INT16 -> bytes.putShort((short) integer(p, Short.MIN_VALUE, Short.MAX_VALUE));
            case UINT16 -> bytes.putShort((short) integer(p, 0, 65535));
            case INT32 -> bytes.putInt((int) integer(p, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case UINT32 -> bytes.putInt((int) integer(p, 0, 0xFFFF_FFFFL));
            case INT64 -> bytes.putLong(integer(p, Long.MIN_VALUE, Long.MAX_VALUE));
            case UINT64 -> bytes.putLong(unsigned64(p));
            case FP16 -> bytes.putShort(Float.floatToFloat16((float) real(p)));
            case BF16 -> bytes.putShort(Fp16Conversions.floatToBf16((float) real(p)));
            case FP32 -> bytes.putFloat((float) real(p));
            case FP64 -> bytes.putDouble(real(p));
            case BYTES -> throw new AssertionError();
        }
        count++;
    }

    /** A finished tensor; its element count is checked against the shape by the caller. */
    Tensor toTensor(long[] shape) {
        if (type == DataType.BYTES) return Tensor.strings(tensorName, shape, Arrays.copyOf(strings, count));
        ByteBuffer data = bytes.flip();
        if (data.limit() != data.capacity()) data = data.slice().order(ByteOrder.nativeOrder());
        return Tensor.numeric(tensorName, type, shape, data);
    }

    private long integer(JsonParser p, long min, long max) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw wrongElement(p, "a whole number");
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) throw outOfRange(p, min, max);
        long value = p.getLongValue();
        if (value < min || value > max) throw outOfRange(p, min, max);
        return value;
    }

    private long unsigned64(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw wrongElement(p, "a whole number");
        BigInteger value = p.getBigIntegerValue();
        if (value.signum() < 0 || value.compareTo(UINT64_MAX) > 0) {
            throw ProtocolException.badRequest(
                    elementName() + " is " + p.getText() + ", outside UINT64's range 0.." + UINT64_MAX);
        }
        return value.longValue();
    }

    private double real(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) return p.getDoubleValue();
        if (t == JsonToken.VALUE_STRING) { // JSON has no NaN or infinities: they travel as strings
            switch (p.getText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity", "inf":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity", "-inf":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw wrongElement(p, "a number");
    }

    private ProtocolException wrongElement(JsonParser p, String expected) throws IOException {
        String found = p.currentToken() == JsonToken.VALUE_STRING ? '"' + abbreviate(p.getText()) + '"' : p.getText();
        return ProtocolException.badRequest(
                elementName() + " is " + found + ", but datatype " + type + " needs " + expected);
    }

    private ProtocolException outOfRange(JsonParser p, long min, long max) throws IOException {
        return ProtocolException.badRequest(
                elementName() + " is " + p.getText() + ", outside " + type + "'s range " + min + ".." + max);
    }

    private String elementName() {
        return "input '" + tensorName + "': element " + count;
    }

    private int grow(int current) {
        long next = Math.min((long) current * 2, maxElements);
        if (next * Math.max(1, type.elementSize) > Integer.MAX_VALUE - 16) {
            throw ProtocolException.tooLarge("input '" + tensorName + "' is too large");
        }
        return (int) Math.max(next, current + 1);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
