package dev.skiff.runtime.lambda;

import dev.skiff.runtime.api.ApiResponse;
import dev.skiff.runtime.api.InferenceApi;
import dev.skiff.runtime.batch.BatchEvent;
import dev.skiff.runtime.batch.BatchJob;
import dev.skiff.runtime.capture.Capturer;
import dev.skiff.runtime.contract.ErrorCode;
import dev.skiff.runtime.contract.Limits;
import dev.skiff.runtime.contract.StackModels;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.Model;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.observability.RequestLog;
import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ProtocolException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The function, free of any framework: one event in, one answer out. The plain handler, and the
 * Quarkus and Micronaut ones, all call {@link #handle}.
 */
public final class LambdaFunction implements InferenceApi.Backend {
    /** The model a direct invocation addresses when it names none: the function's only one. */
    static final String ONLY_MODEL = "_";

    public static final Target TARGET = Target.LAMBDA;

    /** Log lines up to this size keep their buffer for the next invocation; a larger one is let go. */
    private static final int LOG_LINES_KEPT = 64 * 1024;

    private final ModelRepository repository;
    private final InferenceApi api;
    private final Capturer capturer;
    private final InferenceApi primingApi;
    private final RequestLog log;
    private final boolean strictReadiness;
    private final List<String> stackModels; // every model of the deployed stack; empty when the deploy named none
    private volatile boolean coldStart = true;
    private String qualifier; // the alias or version this invocation came through (one invocation at a time)
    // this invocation's log lines: its capture record, then its request log line, written in one write
    private ByteArrayOutputStream logLines = new ByteArrayOutputStream(LOG_LINES_KEPT / 16);

    public LambdaFunction(ModelRepository repository, PrintStream logOut) {
        this(
                repository,
                logOut,
                Boolean.parseBoolean(System.getenv("SKIFF_STRICT_READINESS")),
                StackModels.fromEnvironment());
    }

    /**
     * @param strictReadiness whether /v2/health/ready needs every model the function found to serve
     * @param stackModels every model of the deployed stack, which an unknown model's 404 lists; empty for
     *     only the function's own
     */
    public LambdaFunction(
            ModelRepository repository, PrintStream logOut, boolean strictReadiness, List<String> stackModels) {
        this.repository = repository;
        this.strictReadiness = strictReadiness;
        this.stackModels = List.copyOf(stackModels);
        // capture lines go to the same stdout: Lambda ships it to CloudWatch after the invocation, off the request
        // path;
        // each waits for its request's log line, so the two take one write
        this.capturer = new Capturer(TARGET, (line, length) -> {
            logLines.write(line, 0, length);
            logLines.write('\n');
        });
        this.api = new InferenceApi(this, Limits.MAX_REQUEST_BODY_BYTES, capturer);
        // priming runs the capture path too (warm code in the snapshot) but its records are nobody's traffic: dropped
        this.primingApi =
                new InferenceApi(this, Limits.MAX_REQUEST_BODY_BYTES, new Capturer(TARGET, (line, length) -> {}));
        this.log = new RequestLog(logOut, TARGET);
    }

    /** Loads the models the environment names: done at init, so SnapStart snapshots them. */
    public static LambdaFunction fromEnvironment() {
        return new LambdaFunction(ModelRepository.fromEnvironment(), System.out);
    }

    public ModelRepository repository() {
        return repository;
    }

    /**
     * Answers one event.
     *
     * @param invokedArn the invoked function ARN; its qualifier (":live") is the alias a path may name
     */
    public byte[] handle(byte[] event, String requestId, String invokedArn) {
        long start = System.nanoTime();
        logLines.reset();
        boolean cold = coldStart;
        coldStart = false;
        qualifier = qualifier(invokedArn);
        HttpEvent http = null;
        ApiResponse response;
        try {
            http = EventCodec.decode(event);
            response = http.kind() == EventKind.BATCH
                    ? batch(BatchEvent.decode(event))
                    : api.handle(
                            http.method(), http.path(), http.body(), BinaryData.headerLength(http.inferenceHeader()));
        } catch (ProtocolException e) {
            response = ApiResponse.error(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            // a defect, not the client's fault: the trace goes to the log, a safe message to the client
            e.printStackTrace();
            response = ApiResponse.error(
                    ErrorCode.INTERNAL, "internal error; see the function's log for request " + requestId);
        }
        byte[] answer = EventCodec.encode(
                http, response.status(), response.body(), response.hasBinary(), headers(response, cold));
        long total = System.nanoTime() - start;
        log.write(
                new RequestLog.Entry(
                        requestId,
                        http == null ? "unknown" : http.kind().label,
                        response.model(),
                        response.version(),
                        response.status(),
                        cold,
                        response.parseNanos(),
                        response.inferNanos(),
                        response.writeNanos(),
                        total,
                        response.isError() ? errorMessage(response) : null),
                logLines);
        // reused invocation after invocation, unless a large captured body grew it
        if (logLines.size() > LOG_LINES_KEPT) logLines = new ByteArrayOutputStream(LOG_LINES_KEPT / 16);
        return answer;
    }

    /** Scores a Distributed Map batch: one answer per item, in order; a bad item fails alone. */
    private ApiResponse batch(BatchEvent event) {
        String name = event.model() == null ? ONLY_MODEL : event.model();
        return BatchJob.answer(this, new BatchEvent(event.items(), name, event.version()));
    }

    /**
     * After a SnapStart restore the next request is again the first of its environment, and its
     * capture records need event ids of their own.
     */
    void markCold() {
        coldStart = true;
        capturer.newEnvironment();
    }

    private Map<String, String> headers(ApiResponse response, boolean cold) {
        Map<String, String> headers = new LinkedHashMap<>(8);
        headers.put("content-type", response.contentType());
        if (response.hasBinary()) {
            headers.put(BinaryData.HEADER.toLowerCase(Locale.ROOT), Integer.toString(response.inferenceHeaderLength()));
        }
        if (response.model() != null) headers.put("x-skiff-model", response.model());
        if (response.version() != null) headers.put("x-skiff-model-version", response.version());
        headers.put("x-skiff-target", TARGET.wireName());
        headers.put("x-skiff-cold-start", Boolean.toString(cold));
        if (response.allow() != null) headers.put("allow", response.allow());
        return headers;
    }

    private static String errorMessage(ApiResponse response) {
        String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        return body.length() > 500 ? body.substring(0, 500) : body;
    }

    private static String qualifier(String arn) {
        if (arn == null) return null;
        // arn:aws:lambda:region:account:function:name[:qualifier]
        int colons = 0, at = -1;
        for (int i = 0; i < arn.length(); i++) {
            if (arn.charAt(i) == ':' && ++colons == 7) {
                at = i;
                break;
            }
        }
        return at < 0 ? null : arn.substring(at + 1);
    }

    // --- InferenceApi.Backend: a function serves the versions packaged in it ---

    @Override
    public Model model(String name) {
        if (ONLY_MODEL.equals(name)) {
            if (repository.models().size() != 1) {
                throw ProtocolException.badRequest("this function serves " + modelNames()
                        + "; a direct invocation must name one in \"model_name\"");
            }
            return repository.models().iterator().next();
        }
        return repository.model(name);
    }

    /**
     * A path names a version by number, or by the alias the invocation came through: API Gateway
     * routes {@code /versions/live/...} to the function's {@code live} alias.
     */
    @Override
    public ModelVersion resolve(Model model, String versionOrAlias) {
        if (versionOrAlias == null) return model.latest();
        if (ModelRepository.isVersion(versionOrAlias)) return model.version(Long.parseLong(versionOrAlias));
        if (versionOrAlias.equals(qualifier) || versionOrAlias.equals(System.getenv("AWS_LAMBDA_FUNCTION_VERSION"))) {
            return model.latest();
        }
        return null;
    }

    @Override
    public InferResponse infer(ModelVersion version, InferRequest request) {
        return version.infer(request);
    }

    /**
     * A function answers only once its init has loaded its models, so it is ready; in strict mode
     * ({@code SKIFF_STRICT_READINESS=true}) only when none of them failed.
     */
    @Override
    public boolean ready() {
        return !strictReadiness || repository.failures().isEmpty();
    }

    @Override
    public String failure(String model) {
        return repository.failure(model);
    }

    @Override
    public List<String> modelNames() {
        List<String> names = new ArrayList<>();
        for (Model model : repository.models()) names.add(model.name());
        return names;
    }

    @Override
    public List<String> reachableModelNames() {
        return stackModels.isEmpty() ? modelNames() : stackModels;
    }

    /**
     * Runs every version's warm-up request once, end to end, so nothing is left to load or warm on
     * the first request. The policy is the pool's ({@link ModelVersion#warmUpFailed}): a failed
     * placeholder is logged and the model serves; a model whose configured request fails is not served.
     */
    public void prime() {
        for (Model model : List.copyOf(repository.models())) {
            for (ModelVersion version : model.versions()) {
                byte[] body = version.warmUpBody();
                ApiResponse response = primingApi.handle(
                        "POST", "/v2/models/" + model.name() + "/versions/" + version.version() + "/infer", body);
                EventCodec.encode(
                        new HttpEvent(EventKind.HTTP_API_V2, "POST", "/", body, false),
                        response.status(),
                        response.body(),
                        headers(response, false));
                if (response.isError()) {
                    String reason = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
                    try {
                        System.err.println("skiff: " + version.warmUpFailed(reason));
                    } catch (ModelLoadException e) {
                        repository.fail(model.name(), e.getMessage());
                        break;
                    }
                }
            }
        }
    }
}
