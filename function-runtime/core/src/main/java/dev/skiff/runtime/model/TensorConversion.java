package dev.skiff.runtime.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.ProtocolException;
import dev.skiff.runtime.protocol.Tensor;

import java.lang.reflect.Array;
import java.nio.ByteBuffer;

/** Moves tensors between the protocol and ONNX Runtime: direct buffers in, one copy out. */
public final class TensorConversion {
    private TensorConversion() {}

    public static OnnxTensor toOnnx(OrtEnvironment env, Tensor tensor) throws OrtException {
        DataType type = tensor.datatype();
        if (type == DataType.BYTES) return OnnxTensor.createTensor(env, tensor.strings(), tensor.shape());
        if (!type.canBeModelInput()) {
            throw ProtocolException.badRequest("input '" + tensor.name() + "': ONNX Runtime's Java API cannot feed "
                    + type + " tensors to a model");
        }
        // a direct buffer in native order is handed to ONNX Runtime without a copy
        return OnnxTensor.createTensor(env, tensor.data(), tensor.shape(), type.javaType);
    }

    public static Tensor fromOnnx(String name, OnnxTensor onnx) throws OrtException {
        TensorInfo info = onnx.getInfo();
        DataType type = DataType.fromOnnx(info.onnxType);
        if (type == null) {
            throw new IllegalStateException(
                    "output '" + name + "' has element type " + info.onnxType + ", which the protocol cannot carry");
        }
        long[] shape = info.getShape();
        if (type == DataType.BYTES)
            return Tensor.strings(name, shape, flatten(onnx.getValue(), (int) info.getNumElements()));
        ByteBuffer bytes = onnx.getByteBuffer();
        return Tensor.numeric(name, type, shape, bytes);
    }

    private static String[] flatten(Object value, int count) {
        if (value instanceof String s) return new String[] {s};
        String[] out = new String[count];
        fill(value, out, 0);
        return out;
    }

    private static int fill(Object array, String[] out, int at) {
        int length = Array.getLength(array);
        for (int i = 0; i < length; i++) {
            Object element = Array.get(array, i);
            if (element instanceof String s) out[at++] = s;
            else at = fill(element, out, at);
        }
        return at;
    }
}
