package dev.skiff.runtime.capture;

import dev.skiff.runtime.contract.Limits;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;

import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Decides per served request whether it is sampled and, when it is, hands its capture record's
 * line to the target's log: the function's stdout (Lambda ships it after the invocation, the
 * request does not wait on CloudWatch) or the pool's asynchronous capture log. A record longer
 * than one log event may be is written again from the parsed tensors when it copied the body as
 * sent; one still too long is not written, and a notice with a {@code CaptureTooLarge} metric is.
 */
public final class Capturer {
    /** A capturer that never samples: capture off for every model. */
    public static final Capturer NONE = new Capturer(Target.LAMBDA, (line, length) -> {});

    private final Target target;
    private final Sink log;
    private final IntSupplier percentile;
    private final EventIds eventIds = new EventIds();

    /**
     * Takes a record's line (or the notice that stands for a record too large to write), UTF-8
     * without its newline, to copy during the call: the bytes are reused after it.
     */
    public interface Sink {
        void accept(byte[] bytes, int length);
    }

    /** @param log takes each record's line as UTF-8 bytes of its own, without its newline */
    public Capturer(Target target, Consumer<byte[]> log) {
        this(target, (bytes, length) -> log.accept(Arrays.copyOf(bytes, length)));
    }

    /** @param log copies each record's line where it goes: the function's stdout buffer, without a copy of its own */
    public Capturer(Target target, Sink log) {
        this(target, log, () -> ThreadLocalRandom.current().nextInt(100));
    }

    /** @param percentile draws 0..99 uniformly per request: a request is sampled when its draw is under the percent */
    Capturer(Target target, Sink log, IntSupplier percentile) {
        this.target = target;
        this.log = log;
        this.percentile = percentile;
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
        String eventId = eventIds.next();
        Instant time = Instant.now();
        RecordBuffer line =
                CaptureRecord.write(capture, target, request, requestJson, response, responseJson, eventId, time);
        if (line.size() > Limits.LOG_EVENT_BYTES && CaptureRecord.copiesBody(capture, request, requestJson)) {
            // the body as sent may be mostly whitespace (pretty-printed): its tensors, written compactly, may fit
            line = CaptureRecord.write(capture, target, request, null, response, responseJson, eventId, time);
        }
        if (line.size() <= Limits.LOG_EVENT_BYTES) {
            log.accept(line.bytes(), line.size());
        } else { // it would reach CloudWatch in pieces nobody reads: a notice, and a metric to alarm on, instead
            byte[] notice = CaptureRecord.tooLarge(capture, target, request, response, line.size(), time);
            log.accept(notice, notice.length);
        }
        line.release();
    }

    /**
     * After a SnapStart restore: the event ids start from a new random prefix, so environments
     * restored from one snapshot do not repeat each other's ids.
     */
    public void newEnvironment() {
        eventIds.newEnvironment();
    }

    private boolean sampled(int percent) {
        return percent >= 100 || (percent > 0 && percentile.getAsInt() < percent);
    }
}
