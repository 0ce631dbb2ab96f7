package dev.skiff.gpu.grpc;

import dev.skiff.gpu.grpc.v2.GRPCInferenceServiceGrpc;
import dev.skiff.gpu.grpc.v2.ModelInferRequest;
import dev.skiff.gpu.grpc.v2.ModelInferResponse;
import dev.skiff.gpu.grpc.v2.ModelMetadataRequest;
import dev.skiff.gpu.grpc.v2.ModelMetadataResponse;
import dev.skiff.gpu.grpc.v2.ModelReadyRequest;
import dev.skiff.gpu.grpc.v2.ModelReadyResponse;
import dev.skiff.gpu.grpc.v2.ServerLiveRequest;
import dev.skiff.gpu.grpc.v2.ServerLiveResponse;
import dev.skiff.gpu.grpc.v2.ServerMetadataRequest;
import dev.skiff.gpu.grpc.v2.ServerMetadataResponse;
import dev.skiff.gpu.grpc.v2.ServerReadyRequest;
import dev.skiff.gpu.grpc.v2.ServerReadyResponse;
import dev.skiff.gpu.observability.PoolMetrics;
import dev.skiff.gpu.routing.PoolBackend;
import dev.skiff.runtime.api.InferenceApi;
import dev.skiff.runtime.contract.ErrorCode;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.observability.RequestLog;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ProtocolException;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The protocol's gRPC service (inference.GRPCInferenceService) over the same {@link InferenceApi}
 * as REST: the same models, versions, aliases, batching, errors and log lines.
 */
public final class InferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

    private final InferenceApi api;
    private final PoolBackend backend;
    private final PoolMetrics metrics;
    private final RequestLog log;
    private final ServerMetadataResponse serverMetadata;
    private final AtomicInteger inFlight = new AtomicInteger();

    public InferenceService(
            InferenceApi api, PoolBackend backend, PoolMetrics metrics, RequestLog log, List<String> extensions) {
        this.api = api;
        this.backend = backend;
        this.metrics = metrics;
        this.log = log;
        this.serverMetadata = ServerMetadataResponse.newBuilder()
                .setName(InferenceApi.SERVER_NAME)
                .setVersion(InferenceApi.SERVER_VERSION)
                .addAllExtensions(extensions)
                .build();
    }

    /** Infer calls being answered now; a drain waits for none. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> answer) {
        reply(answer, () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> answer) {
        // not ready is UNAVAILABLE, as REST's 503: the load balancer's gRPC health check sees only the code
        reply(answer, () -> {
            if (backend.draining()) throw draining();
            if (!api.ready()) {
                throw ProtocolException.unavailable(
                        "not ready: a model an alias routes to is still loading, or failed to load");
            }
            return ServerReadyResponse.newBuilder().setReady(true).build();
        });
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> answer) {
        reply(answer, () -> {
            api.version(request.getName(), request.getVersion());
            return ModelReadyResponse.newBuilder().setReady(true).build();
        });
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> answer) {
        reply(answer, () -> serverMetadata);
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> answer) {
        reply(answer, () -> InferMessages.metadata(api.metadata(request.getName(), request.getVersion())));
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> answer) {
        inFlight.incrementAndGet();
        try {
            infer(request, answer);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void infer(ModelInferRequest request, StreamObserver<ModelInferResponse> answer) {
        long start = System.nanoTime();
        long parsed = start, inferred = start;
        String model = request.getModelName(), version = null;
        ErrorCode failed = null;
        String error = null;
        try {
            if (backend.draining()) throw draining();
            ModelVersion served = api.version(model, request.getModelVersion());
            version = served.version();
            InferRequest parsedRequest = InferMessages.request(request, served.parser());
            parsed = System.nanoTime();
            InferResponse response = api.infer(served, parsedRequest);
            inferred = System.nanoTime();
            answer.onNext(InferMessages.response(response));
            answer.onCompleted();
        } catch (ProtocolException e) {
            failed = e.code();
            error = e.getMessage();
            answer.onError(GrpcStatuses.exception(e.code(), e.getMessage()));
        } catch (RuntimeException e) {
            String requestId = UUID.randomUUID().toString();
            LOG.atError()
                    .setCause(e)
                    .addKeyValue("requestId", requestId)
                    .log("a gRPC request failed inside the server");
            failed = ErrorCode.INTERNAL;
            error = "internal error; see the server's log for request " + requestId;
            answer.onError(GrpcStatuses.exception(failed, error));
        }
        long end = System.nanoTime();
        int status = failed == null ? 200 : failed.httpStatus(); // the REST status, so both share the metrics
        metrics.request(model, version, status, end - start);
        if (failed != null && inferred == start) inferred = parsed;
        log.write(new RequestLog.Entry(
                UUID.randomUUID().toString(),
                "grpc",
                model,
                version,
                status,
                false,
                parsed - start,
                failed == null ? inferred - parsed : 0,
                failed == null ? end - inferred : 0,
                end - start,
                error));
    }

    /** Answers with what {@code call} returns, or the protocol's error as a status. */
    private <T> void reply(StreamObserver<T> answer, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (ProtocolException e) {
            answer.onError(GrpcStatuses.exception(e.code(), e.getMessage()));
            return;
        }
        answer.onNext(response);
        answer.onCompleted();
    }

    private static ProtocolException draining() {
        return ProtocolException.unavailable(
                "this server is shutting down and takes no new requests; retry, and another instance will answer");
    }
}
