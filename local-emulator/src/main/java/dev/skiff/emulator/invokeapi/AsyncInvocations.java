package dev.skiff.emulator.invokeapi;

import dev.skiff.emulator.environment.InvocationResult;
import dev.skiff.emulator.lambda.Invoker;
import dev.skiff.emulator.lambda.LambdaServiceException;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Event invocations: accepted at once, run in the background, retried as Lambda retries them
 * (throttled: until capacity frees up; function error: two more attempts), with shorter delays.
 */
final class AsyncInvocations {
    private static final int MAX_ATTEMPTS = 3;
    private static final long THROTTLE_RETRY_MILLIS = 200;
    private static final long MAX_THROTTLED_MILLIS = 5 * 60 * 1000;
    private static final long ERROR_RETRY_MILLIS = 1000;

    private final Invoker invoker;
    private final ScheduledExecutorService timer;

    AsyncInvocations(Invoker invoker, ScheduledExecutorService timer) {
        this.invoker = invoker;
        this.timer = timer;
    }

    void submit(String function, String qualifier, byte[] payload, String clientContext) {
        attempt(function, qualifier, payload, clientContext, 1, System.currentTimeMillis());
    }

    private void attempt(
            String function, String qualifier, byte[] payload, String clientContext, int attempt, long since) {
        try {
            invoker.invoke(function, qualifier, payload, clientContext).thenAccept((InvocationResult result) -> {
                if (result.failed() && attempt < MAX_ATTEMPTS) {
                    timer.schedule(
                            () -> attempt(function, qualifier, payload, clientContext, attempt + 1, since),
                            ERROR_RETRY_MILLIS * attempt,
                            TimeUnit.MILLISECONDS);
                } else if (result.failed()) {
                    System.err.println("Event invocation of " + function + " failed after " + MAX_ATTEMPTS
                            + " attempts: " + new String(result.payload(), java.nio.charset.StandardCharsets.UTF_8));
                }
            });
        } catch (LambdaServiceException e) {
            if (e.status() == 429 && System.currentTimeMillis() - since < MAX_THROTTLED_MILLIS) {
                timer.schedule(
                        () -> attempt(function, qualifier, payload, clientContext, attempt, since),
                        THROTTLE_RETRY_MILLIS,
                        TimeUnit.MILLISECONDS);
            } else {
                System.err.println("Event invocation of " + function + " dropped: " + e.getMessage());
            }
        }
    }
}
