package dev.skiff.runtime.protocol;

import java.util.Arrays;

/** What a model takes or gives: a tensor's name, datatype and shape, with -1 where any size goes. */
public record TensorSpec(String name, DataType datatype, long[] shape) {

    /** Whether the first dimension is a batch dimension (variable), so that rows can be batched. */
    public boolean hasBatchDimension() {
        return shape.length > 0 && shape[0] < 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec other
                && name.equals(other.name)
                && datatype == other.datatype
                && Arrays.equals(shape, other.shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + datatype + Arrays.toString(shape);
    }
}
