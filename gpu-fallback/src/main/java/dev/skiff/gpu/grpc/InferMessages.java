package dev.skiff.gpu.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dev.skiff.gpu.grpc.v2.InferParameter;
import dev.skiff.gpu.grpc.v2.ModelInferRequest;
import dev.skiff.gpu.grpc.v2.ModelInferResponse;
import dev.skiff.gpu.grpc.v2.ModelMetadataResponse;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ModelMetadata;
import dev.skiff.runtime.protocol.ProtocolException;
import dev.skiff.runtime.protocol.RawTensors;
import dev.skiff.runtime.protocol.RequestParser;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.protocol.TensorSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The protocol's gRPC messages to and from the core's requests and answers. Tensors travel as raw
 * bytes both ways (raw_input_contents, raw_output_contents), in the layout of {@link RawTensors}.
 */
final class InferMessages {
    private InferMessages() {}

    static InferRequest request(ModelInferRequest message, RequestParser parser) {
        int inputs = message.getInputsCount();
        if (message.getRawInputContentsCount() != inputs) {
            throw ProtocolException.badRequest("the request has " + inputs + " inputs and "
                    + message.getRawInputContentsCount() + " raw_input_contents; send each input's data as raw "
                    + "bytes, one raw_input_contents entry per input, in the order of inputs");
        }
        List<Tensor> tensors = new ArrayList<>(inputs);
        for (int i = 0; i < inputs; i++) {
            ModelInferRequest.InferInputTensor input = message.getInputs(i);
            if (input.hasContents()) {
                throw ProtocolException.badRequest("input '" + input.getName() + "' has typed contents; this "
                        + "server takes raw_input_contents (little-endian, row-major) only");
            }
            tensors.add(parser.rawInput(
                    input.getName(),
                    datatype(input.getName(), input.getDatatype()),
                    shape(input.getShapeList()),
                    message.getRawInputContents(i).asReadOnlyByteBuffer()));
        }
        List<InferRequest.RequestedOutput> outputs = new ArrayList<>(message.getOutputsCount());
        for (ModelInferRequest.InferRequestedOutputTensor output : message.getOutputsList()) {
            outputs.add(new InferRequest.RequestedOutput(output.getName(), parameters(output.getParametersMap())));
        }
        String id = message.getId().isEmpty() ? null : message.getId();
        return new InferRequest(id, parameters(message.getParametersMap()), tensors, outputs, false);
    }

    static ModelInferResponse response(InferResponse response) {
        ModelInferResponse.Builder message = ModelInferResponse.newBuilder()
                .setModelName(response.modelName())
                .setModelVersion(response.modelVersion());
        if (response.id() != null) message.setId(response.id());
        for (Tensor output : response.outputs()) {
            ModelInferResponse.InferOutputTensor.Builder tensor = message.addOutputsBuilder()
                    .setName(output.name())
                    .setDatatype(output.datatype().name());
            for (long dim : output.shape()) tensor.addShape(dim);
            // a fresh array nothing else holds: wrapped, not copied again
            message.addRawOutputContents(UnsafeByteOperations.unsafeWrap(RawTensors.toBytes(output)));
        }
        return message.build();
    }

    static ModelMetadataResponse metadata(ModelMetadata metadata) {
        ModelMetadataResponse.Builder message = ModelMetadataResponse.newBuilder()
                .setName(metadata.name())
                .addAllVersions(metadata.versions())
                .setPlatform(metadata.platform());
        for (TensorSpec spec : metadata.inputs()) message.addInputs(tensorMetadata(spec));
        for (TensorSpec spec : metadata.outputs()) message.addOutputs(tensorMetadata(spec));
        return message.build();
    }

    private static ModelMetadataResponse.TensorMetadata tensorMetadata(TensorSpec spec) {
        ModelMetadataResponse.TensorMetadata.Builder tensor = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(spec.name())
                .setDatatype(spec.datatype().name());
        for (long dim : spec.shape()) tensor.addShape(dim);
        return tensor.build();
    }

    private static DataType datatype(String input, String name) {
        DataType type = DataType.fromName(name);
        if (type == null) {
            throw ProtocolException.badRequest("input '" + input + "': unknown datatype \"" + name
                    + "\"; expected one of " + Arrays.toString(DataType.values()));
        }
        return type;
    }

    private static long[] shape(List<Long> dims) {
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = dims.get(i);
        return shape;
    }

    private static Map<String, Object> parameters(Map<String, InferParameter> parameters) {
        if (parameters.isEmpty()) return Map.of();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, InferParameter> parameter : parameters.entrySet()) {
            InferParameter value = parameter.getValue();
            values.put(
                    parameter.getKey(),
                    switch (value.getParameterChoiceCase()) {
                        case BOOL_PARAM -> value.getBoolParam();
                        case INT64_PARAM -> value.getInt64Param();
                        case STRING_PARAM -> value.getStringParam();
                        case PARAMETERCHOICE_NOT_SET ->
                            throw ProtocolException.badRequest("parameter \"" + parameter.getKey() + "\" has no value");
                    });
        }
        return values;
    }
}
