package dev.skiff.runtime.protocol;

import java.util.Map;

/**
 * The names of Triton's HTTP binary data extension: a body is a JSON header of the length in the
 * {@value #HEADER} header, followed by the raw bytes ({@link RawTensors}) of the tensors whose
 * parameters carry {@value #SIZE}, in order.
 */
public final class BinaryData {
    /** The HTTP header giving the JSON part's length; absent, the whole body is JSON. */
    public static final String HEADER = "Inference-Header-Content-Length";
    /** A tensor parameter: the tensor's data is this many bytes of the binary section. */
    public static final String SIZE = "binary_data_size";
    /** A requested output's parameter: answer this output as binary data. */
    public static final String OUTPUT = "binary_data";
    /** A request parameter: answer every output as binary data unless the output says otherwise. */
    public static final String ALL_OUTPUTS = "binary_data_output";
    /** What Server Metadata lists among its extensions. */
    public static final String EXTENSION = "binary_tensor_data";
    /** The content type of a body with a binary section. */
    public static final String CONTENT_TYPE = "application/octet-stream";

    /** No {@value #HEADER}: the body is all JSON. */
    public static final int NONE = -1;

    private BinaryData() {}

    /**
     * A body in the extension's form: JSON, then binary data.
     *
     * @param headerLength the JSON part's length, {@link #NONE} when the body is all JSON
     */
    public record Body(byte[] bytes, int headerLength) {
        public boolean hasBinary() {
            return headerLength != NONE;
        }
    }

    /** The JSON part's length from the header's value (null when the header is absent). */
    public static int headerLength(String value) {
        if (value == null) return NONE;
        try {
            int length = Integer.parseInt(value.trim());
            if (length >= 0) return length;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProtocolException.badRequest(
                HEADER + " is \"" + value + "\"; it must be the JSON part's length in bytes, a whole number >= 0");
    }

    /** Whether an output goes back as binary data: its own {@value #OUTPUT}, else the request's {@value #ALL_OUTPUTS}. */
    public static boolean binaryOutput(InferRequest request, String output) {
        for (InferRequest.RequestedOutput requested : request.outputs()) {
            if (requested.name().equals(output) && requested.parameters().containsKey(OUTPUT)) {
                return flag(requested.parameters(), OUTPUT, "output '" + output + "'");
            }
        }
        return flag(request.parameters(), ALL_OUTPUTS, "the request");
    }

    private static boolean flag(Map<String, Object> parameters, String name, String where) {
        Object value = parameters.get(name);
        if (value == null) return false;
        if (value instanceof Boolean b) return b;
        throw ProtocolException.badRequest(
                "parameter \"" + name + "\" of " + where + " must be true or false, found " + value);
    }
}
