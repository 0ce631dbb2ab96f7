package dev.skiff.runtime.protocol;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo.OnnxTensorType;

/** The Open Inference Protocol's tensor datatypes and how each maps onto ONNX Runtime. */
public enum DataType {
    BOOL(1, OnnxJavaType.BOOL, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL),
    UINT8(1, OnnxJavaType.UINT8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8),
    // ONNX Runtime's Java API cannot create UINT16/32/64 tensors, so these travel as outputs only
    UINT16(2, null, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16),
    UINT32(4, null, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32),
    UINT64(8, null, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64),
    INT8(1, OnnxJavaType.INT8, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8),
    INT16(2, OnnxJavaType.INT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16),
    INT32(4, OnnxJavaType.INT32, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32),
    INT64(8, OnnxJavaType.INT64, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64),
    FP16(2, OnnxJavaType.FLOAT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16),
    FP32(4, OnnxJavaType.FLOAT, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT),
    FP64(8, OnnxJavaType.DOUBLE, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE),
    // Triton's datatype beyond the protocol's list; JSON carries its elements as numbers
    BF16(2, OnnxJavaType.BFLOAT16, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16),
    BYTES(0, OnnxJavaType.STRING, OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);

    private static final DataType[] VALUES = values();

    /** Bytes per element; 0 for BYTES, whose elements are strings. */
    public final int elementSize;
    /** The type ONNX Runtime's Java API feeds a tensor of; null where it cannot. */
    public final OnnxJavaType javaType;

    public final OnnxTensorType onnxType;

    DataType(int elementSize, OnnxJavaType javaType, OnnxTensorType onnxType) {
        this.elementSize = elementSize;
        this.javaType = javaType;
        this.onnxType = onnxType;
    }

    public boolean canBeModelInput() {
        return javaType != null;
    }

    /** The protocol name ("FP32"), or null when there is none. */
    public static DataType fromName(String name) {
        for (DataType type : VALUES) {
            if (type.name().equals(name)) return type;
        }
        return null;
    }

    /** The protocol datatype of an ONNX tensor element type, or null for types the protocol has none for. */
    public static DataType fromOnnx(OnnxTensorType onnxType) {
        for (DataType type : VALUES) {
            if (type.onnxType == onnxType) return type;
        }
        return null;
    }
}
