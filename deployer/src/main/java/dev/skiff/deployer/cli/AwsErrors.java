package dev.skiff.deployer.cli;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.net.ConnectException;

/** Turns AWS SDK failures into one line that says what went wrong and what to do about it. */
public final class AwsErrors {
    private AwsErrors() {}

    public static String explain(SdkException error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (error instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null
                    ? ""
                    : service.awsErrorDetails().errorCode();
            String detail = service.awsErrorDetails() == null
                    ? message
                    : service.awsErrorDetails().errorMessage();
            String operation = service.awsErrorDetails() == null
                    ? ""
                    : service.awsErrorDetails().serviceName() + ": ";
            if (code != null && (code.contains("ExpiredToken") || code.contains("RequestExpired"))) {
                return operation + "the AWS credentials have expired (" + detail
                        + "); refresh them, e.g. aws sso login --profile NAME";
            }
            if (service.statusCode() == 403
                    || (code != null && (code.contains("AccessDenied") || code.contains("Unauthorized")))) {
                return operation + "access denied (" + detail + "); the identity needs permission for this action, "
                        + "or pass --profile for one that has it";
            }
            if (code != null && (code.contains("InvalidClientTokenId") || code.contains("SignatureDoesNotMatch"))) {
                return operation + "AWS does not recognise these credentials (" + detail
                        + "); check --profile / AWS_ACCESS_KEY_ID";
            }
            return operation + (code == null || code.isEmpty() ? "" : code + ": ") + detail;
        }
        if (error instanceof SdkClientException) {
            if (message.contains("Unable to load credentials") || message.contains("credentials")) {
                return "no AWS credentials found; pass --profile NAME, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                        + "or run aws configure";
            }
            if (message.contains("Unable to load region") || message.contains("region")) {
                return "no AWS region; pass --region (e.g. --region us-east-1) or set AWS_REGION";
            }
            if (causedBy(error, ConnectException.class)) {
                return "cannot connect to the AWS endpoint (" + message
                        + "); check --endpoint-url and that the service runs";
            }
        }
        return message;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) if (type.isInstance(t)) return true;
        return false;
    }
}
