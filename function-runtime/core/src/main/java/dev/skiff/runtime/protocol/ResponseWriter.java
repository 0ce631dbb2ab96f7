package dev.skiff.runtime.protocol;

import ai.onnxruntime.platform.Fp16Conversions;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Writes protocol responses with Jackson's streaming generator. */
public final class ResponseWriter {
    private ResponseWriter() {}

    public static byte[] infer(InferResponse response) {
        return write(g -> {
            if (response.tfServing()) predictions(g, response.outputs());
            else openInference(g, response, Set.of());
        });
    }

    /**
     * The answer to {@code request}: all JSON, unless it asked for outputs as binary data
     * ({@link BinaryData#binaryOutput}); TF-Serving answers are always JSON.
     */
    public static BinaryData.Body infer(InferResponse response, InferRequest request) {
        Set<String> binary = response.tfServing() ? Set.of() : binaryOutputs(response.outputs(), request);
        if (binary.isEmpty()) return new BinaryData.Body(infer(response), BinaryData.NONE);
        return withBinary(write(g -> openInference(g, response, binary)), response.outputs(), binary);
    }

    private static Set<String> binaryOutputs(List<Tensor> outputs, InferRequest request) {
        Set<String> binary = new HashSet<>();
        for (Tensor output : outputs) {
            if (BinaryData.binaryOutput(request, output.name())) binary.add(output.name());
        }
        return binary;
    }

    /** An infer request in the protocol's form: priming, profiling and clients build theirs with it. */
    public static byte[] inferRequest(String id, List<Tensor> inputs) {
        return write(g -> {
            g.writeStartObject();
            if (id != null) g.writeStringField("id", id);
            tensors(g, "inputs", inputs, Set.of());
            g.writeEndObject();
        });
    }

    /**
     * An infer request with every input as binary data, asking for every output as binary data
     * when {@code binaryOutputs}: what clients of the binary data extension send.
     */
    public static BinaryData.Body binaryInferRequest(String id, List<Tensor> inputs, boolean binaryOutputs) {
        Set<String> names = new HashSet<>();
        for (Tensor input : inputs) names.add(input.name());
        byte[] json = write(g -> {
            g.writeStartObject();
            if (id != null) g.writeStringField("id", id);
            if (binaryOutputs) {
                g.writeObjectFieldStart("parameters");
                g.writeBooleanField(BinaryData.ALL_OUTPUTS, true);
                g.writeEndObject();
            }
            tensors(g, "inputs", inputs, names);
            g.writeEndObject();
        });
        return withBinary(json, inputs, names);
    }

    /** The JSON part followed by the raw bytes of the named tensors, in order. */
    private static BinaryData.Body withBinary(byte[] json, List<Tensor> tensors, Set<String> binary) {
        long size = json.length;
        for (Tensor tensor : tensors) if (binary.contains(tensor.name())) size += RawTensors.size(tensor);
        if (size > Integer.MAX_VALUE - 16) throw ProtocolException.tooLarge("the answer is too large for one body");
        byte[] body = Arrays.copyOf(json, (int) size);
        ByteBuffer out = ByteBuffer.wrap(body).position(json.length);
        for (Tensor tensor : tensors) if (binary.contains(tensor.name())) RawTensors.write(tensor, out);
        return new BinaryData.Body(body, json.length);
    }

    public static byte[] error(String message) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    public static byte[] serverMetadata(String name, String version, List<String> extensions) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeStringField("version", version);
            g.writeArrayFieldStart("extensions");
            for (String extension : extensions) g.writeString(extension);
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {"live": true} and {"ready": true}, as the protocol's health endpoints answer. */
    public static byte[] flag(String name, boolean value) {
        return write(g -> {
            g.writeStartObject();
            g.writeBooleanField(name, value);
            g.writeEndObject();
        });
    }

    public static byte[] modelReady(String model, boolean ready) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("name", model);
            g.writeBooleanField("ready", ready);
            g.writeEndObject();
        });
    }

    public static byte[] modelMetadata(ModelMetadata metadata) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("name", metadata.name());
            g.writeArrayFieldStart("versions");
            for (String version : metadata.versions()) g.writeString(version);
            g.writeEndArray();
            g.writeStringField("platform", metadata.platform());
            specs(g, "inputs", metadata.inputs());
            specs(g, "outputs", metadata.outputs());
            g.writeEndObject();
        });
    }

    private static void specs(JsonGenerator g, String field, List<TensorSpec> specs) throws IOException {
        g.writeArrayFieldStart(field);
        for (TensorSpec spec : specs) {
            g.writeStartObject();
            g.writeStringField("name", spec.name());
            g.writeStringField("datatype", spec.datatype().name());
            shape(g, spec.shape());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void openInference(JsonGenerator g, InferResponse response, Set<String> binary) throws IOException {
        g.writeStartObject();
        g.writeStringField("model_name", response.modelName());
        g.writeStringField("model_version", response.modelVersion());
        if (response.id() != null) g.writeStringField("id", response.id());
        tensors(g, "outputs", response.outputs(), binary);
        g.writeEndObject();
    }

    /** A field holding tensors in the protocol's JSON form: capture records embed them as requests carry them. */
    public static void writeTensors(JsonGenerator g, String field, List<Tensor> tensors) throws IOException {
        tensors(g, field, tensors, Set.of());
    }

    /** @param binary the tensors whose data goes after the JSON: they name its size instead of holding data */
    private static void tensors(JsonGenerator g, String field, List<Tensor> tensors, Set<String> binary)
            throws IOException {
        g.writeArrayFieldStart(field);
        for (Tensor tensor : tensors) {
            g.writeStartObject();
            g.writeStringField("name", tensor.name());
            g.writeStringField("datatype", tensor.datatype().name());
            shape(g, tensor.shape());
            if (binary.contains(tensor.name())) {
                g.writeObjectFieldStart("parameters");
                g.writeNumberField(BinaryData.SIZE, RawTensors.size(tensor));
                g.writeEndObject();
            } else {
                g.writeArrayFieldStart("data");
                elements(g, tensor, 0, tensor.elementCount());
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** TF-Serving rows: one value per row for a single output, an object of output name to value otherwise. */
    private static void predictions(JsonGenerator g, List<Tensor> outputs) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("predictions");
        long rows = outputs.isEmpty() || outputs.get(0).shape().length == 0
                ? 1
                : outputs.get(0).shape()[0];
        for (int row = 0; row < rows; row++) {
            if (outputs.size() == 1) {
                row(g, outputs.get(0), row);
            } else {
                g.writeStartObject();
                for (Tensor tensor : outputs) {
                    g.writeFieldName(tensor.name());
                    row(g, tensor, row);
                }
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void row(JsonGenerator g, Tensor tensor, int row) throws IOException {
        long[] shape = tensor.shape();
        if (shape.length == 0) {
            elements(g, tensor, 0, 1);
            return;
        }
        int rowSize = shape[0] == 0 ? 0 : tensor.elementCount() / (int) shape[0];
        nested(g, tensor, shape, 1, row * rowSize, rowSize);
    }

    private static void nested(JsonGenerator g, Tensor tensor, long[] shape, int dim, int start, int size)
            throws IOException {
        if (dim == shape.length) {
            elements(g, tensor, start, 1);
            return;
        }
        g.writeStartArray();
        int stride = shape[dim] == 0 ? 0 : size / (int) shape[dim];
        if (dim == shape.length - 1) {
            elements(g, tensor, start, size);
        } else {
            for (int i = 0; i < shape[dim]; i++) nested(g, tensor, shape, dim + 1, start + i * stride, stride);
        }
        g.writeEndArray();
    }

    /** Writes elements {@code start..start+count} of a tensor as JSON values, as infer answers write them. */
    public static void elements(JsonGenerator g, Tensor tensor, int start, int count) throws IOException {
        int end = start + count;
        if (tensor.datatype() == DataType.BYTES) {
            String[] strings = tensor.strings();
            for (int i = start; i < end; i++) g.writeString(strings[i]);
            return;
        }
        ByteBuffer data = tensor.data();
        switch (tensor.datatype()) {
            case BOOL -> {
                for (int i = start; i < end; i++) g.writeBoolean(data.get(i) != 0);
            }
            case INT8 -> {
                for (int i = start; i < end; i++) g.writeNumber(data.get(i));
            }
            case UINT8 -> {
                for (int i = start; i < end; i++) g.writeNumber(data.get(i) & 0xFF);
            }
            case INT16 -> {
                for (int i = start; i < end; i++) g.writeNumber(data.getShort(i * 2));
            }
            case UINT16 -> {
                for (int i = start; i < end; i++) g.writeNumber(data.getShort(i * 2) & 0xFFFF);
            }
            case INT32 -> {
                for (int i = start; i < end; i++) g.writeNumber(data.getInt(i * 4));
            }
            case UINT32 -> {
                for (int i = start; i < end; i++) g.writeNumber(Integer.toUnsignedLong(data.getInt(i * 4)));
            }
            case INT64 -> {
                for (int i = start; i < end; i++) g.writeNumber(data.getLong(i * 8));
            }
            case UINT64 -> {
                for (int i = start; i < end; i++) {
                    long bits = data.getLong(i * 8);
                    if (bits >= 0) g.writeNumber(bits);
                    else g.writeNumber(Long.toUnsignedString(bits));
                }
            }
            case FP16 -> {
                for (int i = start; i < end; i++) real(g, Float.float16ToFloat(data.getShort(i * 2)));
            }
            case BF16 -> {
                for (int i = start; i < end; i++) real(g, Fp16Conversions.bf16ToFloat(data.getShort(i * 2)));
            }
            case FP32 -> {
                for (int i = start; i < end; i++) real(g, data.getFloat(i * 4));
            }
            case FP64 -> {
                for (int i = start; i < end; i++) real(g, data.getDouble(i * 8));
            }
            case BYTES -> throw new AssertionError();
        }
    }

    private static void real(JsonGenerator g, float value) throws IOException {
        if (Float.isFinite(value)) g.writeNumber(value);
        else g.writeString(Float.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    private static void real(JsonGenerator g, double value) throws IOException {
        if (Double.isFinite(value)) g.writeNumber(value);
        else g.writeString(Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    private static void shape(JsonGenerator g, long[] shape) throws IOException {
        g.writeArrayFieldStart("shape");
        for (long dim : shape) g.writeNumber(dim);
        g.writeEndArray();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to write
        }
        return out.toByteArray();
    }
}
