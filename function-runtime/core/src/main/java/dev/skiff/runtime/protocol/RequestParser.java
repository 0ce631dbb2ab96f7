package dev.skiff.runtime.protocol;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses an infer request body with Jackson's streaming parser into tensors backed by direct
 * buffers. Takes the Open Inference Protocol form and TF-Serving's {"instances": [...]} form.
 */
public final class RequestParser {
    private final List<TensorSpec> inputSpecs;

    /** @param inputSpecs the inputs the model takes, as clients see them: TF-Serving requests carry no datatypes */
    public RequestParser(List<TensorSpec> inputSpecs) {
        this.inputSpecs = inputSpecs;
    }

    public InferRequest parse(byte[] body) {
        return parse(body, BinaryData.NONE);
    }

    /**
     * @param headerLength the JSON part's length ({@link BinaryData#HEADER}), the rest being the
     *     binary data of the inputs that give {@link BinaryData#SIZE}; {@link BinaryData#NONE} when all is JSON
     */
    public InferRequest parse(byte[] bytes, int headerLength) {
        if (bytes.length == 0)
            throw ProtocolException.badRequest("the request body is empty; expected a JSON infer request");
        if (headerLength > bytes.length) {
            throw ProtocolException.badRequest(BinaryData.HEADER + " is " + headerLength
                    + ", longer than the request body's " + bytes.length + " bytes");
        }
        Body body = new Body(bytes, headerLength);
        try (JsonParser p = Json.FACTORY.createParser(bytes, 0, body.jsonEnd)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ProtocolException.badRequest(
                        "the request body must be a JSON object with \"inputs\" (or \"instances\")");
            }
            String id = null;
            Map<String, Object> parameters = Map.of();
            List<Tensor> inputs = null;
            List<InferRequest.RequestedOutput> outputs = List.of();
            boolean tfServing = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = scalarText(p, "id");
                    case "parameters" -> parameters = parameters(p, "parameters");
                    case "inputs" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw ProtocolException.badRequest(
                                    "\"inputs\" must be an array of tensors, each with name, shape, datatype and data");
                        }
                        inputs = inputs(p, body);
                    }
                    case "outputs" -> outputs = requestedOutputs(p);
                    case "instances" -> {
                        inputs = instances(p, body.jsonEnd);
                        tfServing = true;
                    }
                    // direct invocation names its model here; TF-Serving clients may send a signature
                    case "model_name", "model_version", "signature_name" -> p.skipChildren();
                    default ->
                        throw ProtocolException.badRequest("unknown field \"" + field
                                + "\" in the infer request; expected id, parameters, inputs, outputs (or instances)");
                }
            }
            if (p.nextToken() != null) {
                throw ProtocolException.badRequest(
                        "the request body has more after its JSON object; send one infer request object");
            }
            if (inputs == null)
                throw ProtocolException.badRequest("the infer request has no \"inputs\" (or \"instances\")");
            body.checkAllRead();
            return new InferRequest(id, parameters, inputs, outputs, tfServing);
        } catch (StreamConstraintsException e) {
            throw ProtocolException.tooLarge("the request body exceeds a JSON limit: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw ProtocolException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw ProtocolException.badRequest("the request body could not be read: " + e.getMessage());
        }
    }

    /** The body, and how far its binary section has been read: inputs take their bytes in order. */
    private static final class Body {
        final byte[] bytes;
        final boolean hasBinary;
        final int jsonEnd;
        int binaryAt;

        Body(byte[] bytes, int headerLength) {
            this.bytes = bytes;
            this.hasBinary = headerLength != BinaryData.NONE;
            this.jsonEnd = hasBinary ? headerLength : bytes.length;
            this.binaryAt = jsonEnd;
        }

        ByteBuffer take(String label, long size) {
            if (!hasBinary) {
                throw ProtocolException.badRequest(label + " gives \"" + BinaryData.SIZE + "\", but the request has no "
                        + BinaryData.HEADER + " header saying where its JSON ends and the binary data begins");
            }
            if (size > bytes.length - binaryAt) {
                throw ProtocolException.badRequest(label + ": \"" + BinaryData.SIZE + "\" is " + size + ", but only "
                        + (bytes.length - binaryAt) + " bytes of binary data are left in the body");
            }
            ByteBuffer slice = ByteBuffer.wrap(bytes, binaryAt, (int) size);
            binaryAt += (int) size;
            return slice;
        }

        void checkAllRead() {
            if (binaryAt != bytes.length) {
                throw ProtocolException.badRequest("the body has " + (bytes.length - binaryAt)
                        + " bytes of binary data that no input's \"" + BinaryData.SIZE + "\" accounts for");
            }
        }
    }

    /** An input sent as raw bytes ({@link RawTensors}), as gRPC's raw_input_contents carry it. */
    public Tensor rawInput(String name, DataType datatype, long[] shape, ByteBuffer raw) {
        checkDatatype(name, datatype);
        return RawTensors.read(name, datatype, shape, raw, "input '" + name + "'");
    }

    private List<Tensor> inputs(JsonParser p, Body body) throws IOException {
        List<Tensor> tensors = new ArrayList<>(inputSpecs.size());
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw ProtocolException.badRequest(
                        "each of \"inputs\" must be an object with name, shape, datatype and data");
            }
            tensors.add(input(p, body, tensors.size()));
        }
        return tensors;
    }

    private Tensor input(JsonParser p, Body body, int index) throws IOException {
        String name = null;
        long[] shape = null;
        DataType datatype = null;
        Tensor tensor = null;
        Object binarySize = null;
        long deferredDataOffset = -1; // data seen before shape and datatype: parsed again once they are known
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> name = scalarText(p, "inputs[" + index + "].name");
                case "shape" -> shape = shape(p, name == null ? "inputs[" + index + "]" : name);
                case "datatype" -> datatype = datatype(p, name == null ? "inputs[" + index + "]" : name);
                case "parameters" ->
                    binarySize = parameters(p, "parameters of input " + (name == null ? index : "'" + name + "'"))
                            .get(BinaryData.SIZE);
                case "data" -> {
                    if (name != null && shape != null && datatype != null) {
                        tensor = data(p, name, shape, datatype, body.jsonEnd);
                    } else {
                        deferredDataOffset = p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                    }
                }
                default ->
                    throw ProtocolException.badRequest("unknown field \"" + field + "\" in inputs[" + index
                            + "]; expected name, shape, datatype, parameters, data");
            }
        }
        String label = name == null ? "inputs[" + index + "]" : "input '" + name + "'";
        if (name == null) throw ProtocolException.badRequest(label + " has no \"name\"");
        if (shape == null) throw ProtocolException.badRequest(label + " has no \"shape\"");
        if (datatype == null) throw ProtocolException.badRequest(label + " has no \"datatype\"");
        if (binarySize != null) {
            if (tensor != null || deferredDataOffset >= 0) {
                throw ProtocolException.badRequest(
                        label + " has both \"data\" and \"" + BinaryData.SIZE + "\"; send its data one way");
            }
            if (!(binarySize instanceof Long size) || size < 0) {
                throw ProtocolException.badRequest(label + ": \"" + BinaryData.SIZE
                        + "\" must be a whole number of bytes >= 0, found " + binarySize);
            }
            checkDatatype(name, datatype);
            return RawTensors.read(name, datatype, shape, body.take(label, size), label);
        }
        if (tensor == null) {
            if (deferredDataOffset < 0) throw ProtocolException.badRequest(label + " has no \"data\"");
            try (JsonParser again = Json.FACTORY.createParser(
                    body.bytes, (int) deferredDataOffset, body.jsonEnd - (int) deferredDataOffset)) {
                again.nextToken();
                tensor = data(again, name, shape, datatype, body.jsonEnd);
            }
        }
        return tensor;
    }

    private Tensor data(JsonParser p, String name, long[] shape, DataType datatype, int bodyLength) throws IOException {
        checkDatatype(name, datatype);
        long expected = Shapes.elementCount(name, shape);
        if (expected > bodyLength) { // every element takes at least a byte of JSON: refuse before allocating
            throw ProtocolException.badRequest("input '" + name + "': shape " + Arrays.toString(shape) + " announces "
                    + expected + " elements, more than the request's data could hold");
        }
        ElementBuffer elements = new ElementBuffer(name, datatype, expected, expected);
        NestedArrays.read(p, elements, name);
        if (elements.count() != expected) {
            throw ProtocolException.badRequest("input '" + name + "': shape " + Arrays.toString(shape) + " needs "
                    + expected + " elements, data has " + elements.count());
        }
        return elements.toTensor(shape);
    }

    private void checkDatatype(String name, DataType datatype) {
        TensorSpec spec = spec(name);
        if (spec != null && spec.datatype() != datatype) {
            throw ProtocolException.badRequest(
                    "input '" + name + "': datatype " + datatype + " given, the model takes " + spec.datatype());
        }
    }

    /** TF-Serving rows: each instance is one input's value, or an object of input name to value. */
    private List<Tensor> instances(JsonParser p, int bodyLength) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ProtocolException.badRequest("\"instances\" must be an array with one entry per row");
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        int rows = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    TensorSpec spec = spec(name);
                    if (spec == null) {
                        throw ProtocolException.badRequest(
                                "instances[" + rows + "] has unknown input '" + name + "'; the model takes " + names());
                    }
                    column(columns, spec, bodyLength).addRow(p, rows);
                }
            } else {
                if (inputSpecs.size() != 1) {
                    throw ProtocolException.badRequest("the model takes " + inputSpecs.size() + " inputs " + names()
                            + ": each instance must be an object of input name to value");
                }
                column(columns, inputSpecs.get(0), bodyLength).addRow(p, rows);
            }
            rows++;
        }
        if (rows == 0) throw ProtocolException.badRequest("\"instances\" is empty; send at least one row");
        List<Tensor> tensors = new ArrayList<>(columns.size());
        for (Column column : columns.values()) tensors.add(column.toTensor(rows));
        return tensors;
    }

    private Column column(Map<String, Column> columns, TensorSpec spec, int bodyLength) {
        return columns.computeIfAbsent(
                spec.name(), n -> new Column(spec, new ElementBuffer(n, spec.datatype(), -1, bodyLength)));
    }

    /** One input's rows of a TF-Serving request: every row must have the first row's shape. */
    private static final class Column {
        final TensorSpec spec;
        final ElementBuffer elements;
        long[] rowShape;
        int rows;

        Column(TensorSpec spec, ElementBuffer elements) {
            this.spec = spec;
            this.elements = elements;
        }

        void addRow(JsonParser p, int row) throws IOException {
            if (rows != row) {
                throw ProtocolException.badRequest(
                        "instances[" + row + "] lacks input '" + spec.name() + "' or has it twice");
            }
            long[] shape = NestedArrays.read(p, elements, spec.name());
            if (rowShape == null) rowShape = shape;
            else if (!Arrays.equals(rowShape, shape)) {
                throw ProtocolException.badRequest("input '" + spec.name() + "': instances[" + row + "] has shape "
                        + Arrays.toString(shape) + ", instances[0] has " + Arrays.toString(rowShape));
            }
            rows++;
        }

        Tensor toTensor(int totalRows) {
            if (rows != totalRows) {
                throw ProtocolException.badRequest(
                        "input '" + spec.name() + "' is in " + rows + " of " + totalRows + " instances");
            }
            long[] shape = new long[rowShape.length + 1];
            shape[0] = rows;
            System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
            return elements.toTensor(shape);
        }
    }

    private List<InferRequest.RequestedOutput> requestedOutputs(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ProtocolException.badRequest("\"outputs\" must be an array of {\"name\": ...} objects");
        }
        List<InferRequest.RequestedOutput> outputs = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw ProtocolException.badRequest("each of \"outputs\" must be an object with a \"name\"");
            }
            String name = null;
            Map<String, Object> parameters = Map.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "name" -> name = scalarText(p, "outputs[" + outputs.size() + "].name");
                    case "parameters" -> parameters = parameters(p, "parameters of outputs[" + outputs.size() + "]");
                    default ->
                        throw ProtocolException.badRequest("unknown field \"" + field + "\" in outputs["
                                + outputs.size() + "]; expected name, parameters");
                }
            }
            if (name == null) throw ProtocolException.badRequest("outputs[" + outputs.size() + "] has no \"name\"");
            outputs.add(new InferRequest.RequestedOutput(name, parameters));
        }
        return outputs;
    }

    private static long[] shape(JsonParser p, String label) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ProtocolException.badRequest(label + ": \"shape\" must be an array of non-negative integers");
        }
        long[] dims = new long[8];
        int rank = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
                    || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw ProtocolException.badRequest(
                        label + ": \"shape\" must be an array of non-negative integers, found " + p.getText());
            }
            if (rank == 32) throw ProtocolException.badRequest(label + ": \"shape\" has more than 32 dimensions");
            if (rank == dims.length) dims = Arrays.copyOf(dims, rank * 2);
            dims[rank++] = p.getLongValue();
        }
        return Arrays.copyOf(dims, rank);
    }

    private static DataType datatype(JsonParser p, String label) throws IOException {
        String name = scalarText(p, label + ".datatype");
        DataType type = DataType.fromName(name);
        if (type == null) {
            throw ProtocolException.badRequest(label + ": unknown datatype \"" + name + "\"; expected one of "
                    + Arrays.toString(DataType.values()));
        }
        return type;
    }

    private static String scalarText(JsonParser p, String label) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw ProtocolException.badRequest("\"" + label + "\" must be a string");
        }
        return p.getText();
    }

    /** Protocol parameters: an object whose values are strings, numbers or booleans. */
    static Map<String, Object> parameters(JsonParser p, String label) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT)
            throw ProtocolException.badRequest(label + " must be an object");
        Map<String, Object> parameters = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            Object value = switch (p.nextToken()) {
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getLongValue();
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default ->
                    throw ProtocolException.badRequest(label + ": \"" + key + "\" must be a string, number or boolean");
            };
            parameters.put(key, value);
        }
        return parameters;
    }

    private TensorSpec spec(String name) {
        for (TensorSpec spec : inputSpecs) {
            if (spec.name().equals(name)) return spec;
        }
        return null;
    }

    private String names() {
        return inputSpecs.stream().map(TensorSpec::name).toList().toString();
    }
}
