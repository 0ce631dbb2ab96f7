package dev.skiff.runtime.protocol;

import java.util.Arrays;

/** Element counts and printing of tensor shapes. */
public final class Shapes {
    private Shapes() {}

    /** The element count of a fully known shape; throws ProtocolException when it overflows or has a negative dimension. */
    public static long elementCount(String tensorName, long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw ProtocolException.badRequest(
                        "input '" + tensorName + "': shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            try {
                count = Math.multiplyExact(count, dim);
            } catch (ArithmeticException overflow) {
                throw ProtocolException.badRequest("input '" + tensorName + "': shape " + Arrays.toString(shape)
                        + " has more elements than a tensor can hold");
            }
        }
        return count;
    }

    /** Prints a shape with -1 for dimensions of any size. */
    public static String toString(long[] shape) {
        return Arrays.toString(shape);
    }
}
