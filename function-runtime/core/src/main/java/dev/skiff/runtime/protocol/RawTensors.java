package dev.skiff.runtime.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Tensors as raw bytes, the layout that both the HTTP binary data extension and gRPC's
 * {@code raw_input_contents}/{@code raw_output_contents} carry: row-major, little-endian, no
 * padding; BOOL one byte (0 or 1); a BYTES element a 4-byte little-endian length and its bytes.
 */
public final class RawTensors {
    private RawTensors() {}

    /** How many bytes the tensor takes in raw form. */
    public static int size(Tensor tensor) {
        if (tensor.datatype() != DataType.BYTES) return tensor.data().capacity();
        long size = 0;
        for (String s : tensor.strings()) size += Integer.BYTES + utf8Length(s);
        if (size > Integer.MAX_VALUE - 16)
            throw ProtocolException.tooLarge("output '" + tensor.name() + "' is too large");
        return (int) size;
    }

    /** Writes the tensor's raw bytes into {@code target} at its position, advancing it. */
    public static void write(Tensor tensor, ByteBuffer target) {
        if (tensor.datatype() == DataType.BYTES) {
            ByteBuffer out = target.order(ByteOrder.LITTLE_ENDIAN);
            for (String s : tensor.strings()) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                out.putInt(utf8.length).put(utf8);
            }
            return;
        }
        ByteBuffer data =
                tensor.data().duplicate().order(ByteOrder.nativeOrder()).clear();
        ByteBuffer out = target.slice().order(ByteOrder.LITTLE_ENDIAN);
        copy(data, out, tensor.datatype().elementSize);
        target.position(target.position() + data.capacity());
    }

    /** The tensor's raw bytes in an array of their own. */
    public static byte[] toBytes(Tensor tensor) {
        byte[] bytes = new byte[size(tensor)];
        write(tensor, ByteBuffer.wrap(bytes));
        return bytes;
    }

    /**
     * Reads a tensor from {@code raw}'s remaining bytes, which must be exactly what the shape and
     * datatype need; {@code what} names the tensor in error messages ("input 'x'").
     */
    public static Tensor read(String name, DataType datatype, long[] shape, ByteBuffer raw, String what) {
        long count = Shapes.elementCount(name, shape);
        ByteBuffer in = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (datatype == DataType.BYTES) return Tensor.strings(name, shape, strings(in, count, what, shape));
        long expected = count * datatype.elementSize;
        if (expected != in.remaining()) {
            throw ProtocolException.badRequest(what + ": shape " + Arrays.toString(shape) + " of " + datatype
                    + " needs " + expected + " bytes of binary data, " + in.remaining() + " given");
        }
        ByteBuffer data = ByteBuffer.allocateDirect((int) expected).order(ByteOrder.nativeOrder());
        copy(in, data, datatype.elementSize);
        if (datatype == DataType.BOOL) checkBooleans(data, what);
        return Tensor.numeric(name, datatype, shape, data.clear());
    }

    private static String[] strings(ByteBuffer in, long count, String what, long[] shape) {
        if (count > in.remaining() / Integer.BYTES) { // every element takes at least its 4-byte length
            throw ProtocolException.badRequest(what + ": shape " + Arrays.toString(shape) + " needs " + count
                    + " BYTES elements, the " + in.remaining() + " bytes of binary data cannot hold them");
        }
        String[] strings = new String[(int) count];
        for (int i = 0; i < count; i++) {
            if (in.remaining() < Integer.BYTES) {
                throw ProtocolException.badRequest(
                        what + ": the binary data ends before element " + i + "'s 4-byte length");
            }
            long length = Integer.toUnsignedLong(in.getInt());
            if (length > in.remaining()) {
                throw ProtocolException.badRequest(what + ": element " + i + " announces " + length + " bytes, only "
                        + in.remaining() + " are left");
            }
            byte[] bytes = new byte[(int) length];
            in.get(bytes);
            strings[i] = new String(bytes, StandardCharsets.UTF_8);
        }
        if (in.hasRemaining()) {
            throw ProtocolException.badRequest(
                    what + ": " + in.remaining() + " bytes of binary data are left after its " + count + " elements");
        }
        return strings;
    }

    private static void checkBooleans(ByteBuffer data, String what) {
        for (int i = 0; i < data.capacity(); i++) {
            byte b = data.get(i);
            if (b != 0 && b != 1) {
                throw ProtocolException.badRequest(
                        what + ": element " + i + " is byte " + (b & 0xFF) + ", but BOOL takes 0 or 1");
            }
        }
    }

    /** Copies whole elements; typed views swap the byte order when the two buffers' orders differ. */
    private static void copy(ByteBuffer from, ByteBuffer to, int elementSize) {
        switch (elementSize) {
            case 1 -> to.put(from.duplicate());
            case 2 -> to.asShortBuffer().put(from.asShortBuffer());
            case 4 -> to.asIntBuffer().put(from.asIntBuffer());
            case 8 -> to.asLongBuffer().put(from.asLongBuffer());
            default -> throw new IllegalArgumentException("element size " + elementSize);
        }
    }

    private static int utf8Length(String s) {
        int length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) length++;
            else if (c < 0x800) length += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) length++; // a lone surrogate encodes as '?'
            else length += 3;
        }
        return length;
    }
}
