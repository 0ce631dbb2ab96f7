package dev.skiff.runtime.api;

import dev.skiff.runtime.capture.Capturer;
import dev.skiff.runtime.contract.ErrorCode;
import dev.skiff.runtime.model.InferenceFailure;
import dev.skiff.runtime.model.Model;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ModelMetadata;
import dev.skiff.runtime.protocol.ProtocolException;
import dev.skiff.runtime.protocol.ResponseWriter;

import java.util.List;

/**
 * The Open Inference Protocol over any transport: routes a method, path and body to the models
 * and answers with status and body. The Lambda handler and the GPU pool's server both use it, so
 * they answer byte for byte the same.
 */
public final class InferenceApi {
    public static final String SERVER_NAME = "skiff";
    public static final String SERVER_VERSION = "0.1.0";
    public static final String PLATFORM = "onnxruntime_onnx";
    /** The protocol extensions both targets speak, as Server Metadata lists them. */
    public static final List<String> EXTENSIONS = List.of(BinaryData.EXTENSION);
    /** Where the Lambda function and the GPU pool differ: finding versions and running them. */
    public interface Backend {
        Model model(String name);

        /** The version a path names (a number or an alias), the default when null; null when there is none. */
        ModelVersion resolve(Model model, String versionOrAlias);

        /** Runs a parsed request on a version (the GPU pool batches it with others). */
        InferResponse infer(ModelVersion version, InferRequest request);

        boolean ready();

        /** Names every model the server has, for "not found" messages. */
        List<String> modelNames();

        /**
         * The models a client can reach through the API this server answers for, for an unknown
         * model's 404: the stack's ({@link dev.skiff.runtime.contract.StackModels}) where the deploy
         * names them, else the server's own.
         */
        default List<String> reachableModelNames() {
            return modelNames();
        }

        /** Why a model the server found is not served (it failed to load), or null. */
        default String failure(String model) {
            return null;
        }
    }

    /** How many model names a "not found" message lists at most: a repository can hold thousands. */
    static final int NAMES_LISTED = 10;

    /** How much of a load error a 404 carries: its first line, this long at most. */
    static final int REASON_CHARS = 300;

    private final Backend backend;
    private final int maxBodyBytes;
    private final Capturer capturer;

    public InferenceApi(Backend backend, int maxBodyBytes) {
        this(backend, maxBodyBytes, Capturer.NONE);
    }

    /** @param capturer writes the capture records of the models whose config turns capture on */
    public InferenceApi(Backend backend, int maxBodyBytes, Capturer capturer) {
        this.backend = backend;
        this.maxBodyBytes = maxBodyBytes;
        this.capturer = capturer;
    }

    public ApiResponse handle(String method, String path, byte[] body) {
        return handle(method, path, body, BinaryData.NONE);
    }

    /**
     * @param inferenceHeaderLength the request's {@link BinaryData#HEADER} ({@link BinaryData#headerLength}),
     *     {@link BinaryData#NONE} when it has none
     */
    public ApiResponse handle(String method, String path, byte[] body, int inferenceHeaderLength) {
        Route route = Route.parse(path);
        if (route == null) {
            return error(
                    ErrorCode.NOT_FOUND,
                    "no route " + method + " " + path + "; the API serves /v2, /v2/health/{live,ready}, "
                            + "/v2/models/{model}[/versions/{version}][/ready|/infer]",
                    null,
                    null);
        }
        if (!route.kind().method.equals(method)) {
            return ApiResponse.methodNotAllowed(
                    method + " is not allowed on " + path + "; use " + route.kind().method,
                    route.model(),
                    route.kind().method);
        }
        try {
            return switch (route.kind()) {
                case SERVER_METADATA ->
                    ok(ResponseWriter.serverMetadata(SERVER_NAME, SERVER_VERSION, EXTENSIONS), null, null);
                case LIVE -> ok(ResponseWriter.flag("live", true), null, null);
                case READY -> {
                    boolean ready = backend.ready();
                    yield ApiResponse.of(
                            ready ? 200 : ErrorCode.UNAVAILABLE.httpStatus(), ResponseWriter.flag("ready", ready));
                }
                case MODEL_METADATA -> {
                    Model model = model(route);
                    ModelVersion version = version(model, route);
                    yield ok(
                            ResponseWriter.modelMetadata(metadata(model, version, route.version())),
                            model.name(),
                            version.version());
                }
                case MODEL_READY -> {
                    Model model = model(route);
                    ModelVersion version = version(model, route);
                    yield ok(ResponseWriter.modelReady(model.name(), true), model.name(), version.version());
                }
                case INFER -> infer(route, body, inferenceHeaderLength);
            };
        } catch (ProtocolException e) {
            return error(e.code(), e.getMessage(), route.model(), null);
        }
    }

    private ApiResponse infer(Route route, byte[] body, int inferenceHeaderLength) {
        Model model = model(route);
        ModelVersion version = version(model, route);
        if (body.length > maxBodyBytes) {
            return error(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the request body is " + body.length + " bytes, over the limit of " + maxBodyBytes
                            + " bytes; send fewer rows per request",
                    model.name(),
                    version.version());
        }
        long start = System.nanoTime();
        long parsed = start, inferred = start;
        try {
            InferRequest request = version.parser().parse(body, inferenceHeaderLength);
            parsed = System.nanoTime();
            InferResponse response = run(version, request);
            inferred = System.nanoTime();
            BinaryData.Body answer = ResponseWriter.infer(response, request);
            long written = System.nanoTime();
            // the record reuses the JSON both sides already have: the body as received, the answer as written
            capture(
                    version,
                    request,
                    inferenceHeaderLength == BinaryData.NONE ? body : null,
                    response,
                    answer.hasBinary() || response.tfServing() ? null : answer.bytes());
            return ApiResponse.ok(answer, model.name(), version.version())
                    .withTimings(parsed - start, inferred - parsed, written - inferred);
        } catch (ProtocolException e) {
            return timed(error(e.code(), e.getMessage(), model.name(), version.version()), start, parsed, inferred);
        }
    }

    // --- the protocol's operations on typed requests, for transports that carry tensors themselves (gRPC) ---

    /**
     * The version a request addresses: {@code versionOrAlias} null or empty for the model's default.
     *
     * @throws ProtocolException NOT_FOUND naming what there is
     */
    public ModelVersion version(String model, String versionOrAlias) {
        Route route = route(model, versionOrAlias);
        return version(model(route), route);
    }

    /** Whether the server takes inference requests: {@code /v2/health/ready}. */
    public boolean ready() {
        return backend.ready();
    }

    /** Model metadata as {@code GET /v2/models/{model}[/versions/{v}]} answers it. */
    public ModelMetadata metadata(String model, String versionOrAlias) {
        Route route = route(model, versionOrAlias);
        Model found = model(route);
        return metadata(found, version(found, route), route.version());
    }

    /** All the model's versions when none was named, else the one that answers. */
    private static ModelMetadata metadata(Model model, ModelVersion version, String named) {
        List<String> versions = named == null ? model.versionNames() : List.of(version.version());
        return new ModelMetadata(model.name(), versions, PLATFORM, version.inputs(), version.outputs());
    }

    private static Route route(String model, String versionOrAlias) {
        return new Route(
                Route.Kind.INFER, model, versionOrAlias == null || versionOrAlias.isEmpty() ? null : versionOrAlias);
    }

    /**
     * Runs a request on a version (batched with others on the pool) and writes its capture record.
     *
     * @throws ProtocolException for a request that cannot be served: INVALID_ARGUMENT, INTERNAL when the model fails
     */
    public InferResponse infer(ModelVersion version, InferRequest request) {
        InferResponse response = run(version, request);
        capture(version, request, null, response, null);
        return response;
    }

    /**
     * Writes the capture record when the version's config asks for one.
     *
     * @param requestJson the body the request was parsed from when it is all JSON, else null
     * @param responseJson the answer as written when it is the protocol's JSON form, else null
     */
    private void capture(
            ModelVersion version,
            InferRequest request,
            byte[] requestJson,
            InferResponse response,
            byte[] responseJson) {
        ModelConfig.Capture capture = version.config().capture();
        if (capture.on()) capturer.served(capture, request, requestJson, response, responseJson);
    }

    private InferResponse run(ModelVersion version, InferRequest request) {
        InferResponse response;
        try {
            response = backend.infer(version, request);
        } catch (InferenceFailure e) {
            throw new ProtocolException(ErrorCode.INTERNAL, e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new ProtocolException(
                    ErrorCode.INTERNAL,
                    "model '" + version.modelName() + "' ran out of memory on this request; send fewer rows "
                            + "or give the function more memory");
        }
        return response;
    }

    private Model model(Route route) {
        Model model = backend.model(route.model());
        if (model != null) return model;
        String failure = backend.failure(route.model());
        if (failure != null) {
            throw ProtocolException.notFound(
                    "model '" + route.model() + "' is not served: it failed to load: " + oneLine(failure));
        }
        throw ProtocolException.notFound(
                "model '" + route.model() + "' is not served here; models: " + listed(backend.reachableModelNames()));
    }

    /** At most {@link #NAMES_LISTED} names, then how many more there are. */
    static String listed(List<String> names) {
        if (names.size() <= NAMES_LISTED) return names.toString();
        return "[" + String.join(", ", names.subList(0, NAMES_LISTED)) + ", ... " + (names.size() - NAMES_LISTED)
                + " more]";
    }

    private static String oneLine(String reason) {
        int newline = reason.indexOf('\n');
        String line = newline < 0 ? reason : reason.substring(0, newline);
        return line.length() <= REASON_CHARS ? line : line.substring(0, REASON_CHARS) + "...";
    }

    private ModelVersion version(Model model, Route route) {
        ModelVersion version = backend.resolve(model, route.version());
        if (version == null) {
            throw ProtocolException.notFound("model '" + model.name() + "' has no version or alias '" + route.version()
                    + "'; versions: " + model.versionNames());
        }
        return version;
    }

    private static ApiResponse ok(byte[] body, String model, String version) {
        return ApiResponse.ok(body, model, version);
    }

    private static ApiResponse error(ErrorCode code, String message, String model, String version) {
        return ApiResponse.error(code, message, model, version);
    }

    private static ApiResponse timed(ApiResponse r, long start, long parsed, long inferred) {
        return r.withTimings(parsed - start, inferred - parsed, System.nanoTime() - inferred);
    }
}
