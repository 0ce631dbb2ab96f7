package dev.skiff.runtime.capture;

import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;

import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Decides per served request whether it is sampled and, when it is, hands its capture record's
 * line to the target's log: the function's stdout (Lambda ships it after the invocation, the
 * request does not wait on CloudWatch) or the pool's asynchronous capture log.
 */
public final class Capturer {
    /** A capturer that never samples: capture off for every model. */
    public static final Capturer NONE = new Capturer(Target.LAMBDA, line -> {});

    private final Target target;
    private final Consumer<byte[]> log;

    /** @param log takes each record's line as UTF-8 bytes, without its newline */
    public Capturer(Target target, Consumer<byte[]> log) {
        this.target = target;
        this.log = log;
    }

    /** Called after a request was answered successfully. */
    public void served(ModelConfig.Capture capture, InferRequest request, InferResponse response) {
        served(capture, request, null, response, null);
    }

    /**
     * Called after a request was answered successfully.
     *
     * @param requestJson the body the request was parsed from when it is all JSON, else null
     * @param responseJson the answer as written when it is the protocol's JSON form, else null
     */
    public void served(
            ModelConfig.Capture capture,
            InferRequest request,
            byte[] requestJson,
            InferResponse response,
            byte[] responseJson) {
        if (!sampled(capture.samplingPercent())) return;
        log.accept(CaptureRecord.line(
                capture, target, request, requestJson, response, responseJson, eventId(), Instant.now()));
    }

    private boolean sampled(int percent) {
        return percent >= 100 || (percent > 0 && ThreadLocalRandom.current().nextInt(100) < percent);
    }

    /** 128 random bits in hex: unique enough for an event id, and no SecureRandom on the request path. */
    private static String eventId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }

    private static final HexFormat HEX = HexFormat.of();
}
