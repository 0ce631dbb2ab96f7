package dev.skiff.gpu.grpc;

import com.google.rpc.Status;
import dev.skiff.runtime.contract.ErrorCode;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** Skiff's error codes as gRPC's google.rpc.Status codes: the one place gRPC maps them. */
public final class GrpcStatuses {
    private GrpcStatuses() {}

    public static io.grpc.Status.Code code(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> io.grpc.Status.Code.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> io.grpc.Status.Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> io.grpc.Status.Code.PERMISSION_DENIED;
            case NOT_FOUND -> io.grpc.Status.Code.NOT_FOUND;
            case METHOD_NOT_ALLOWED -> io.grpc.Status.Code.UNIMPLEMENTED;
            case CONFLICT -> io.grpc.Status.Code.ABORTED;
            // gRPC's own answer to a message over the size limit
            case PAYLOAD_TOO_LARGE, RESOURCE_EXHAUSTED -> io.grpc.Status.Code.RESOURCE_EXHAUSTED;
            case INTERNAL -> io.grpc.Status.Code.INTERNAL;
            case UNAVAILABLE -> io.grpc.Status.Code.UNAVAILABLE;
        };
    }

    /** The error a call ends with: the code and the same message the REST body's "error" carries. */
    public static StatusRuntimeException exception(ErrorCode code, String message) {
        return StatusProto.toStatusRuntimeException(Status.newBuilder()
                .setCode(code(code).value())
                .setMessage(message)
                .build());
    }
}
