package dev.skiff.runtime.batch;

import dev.skiff.runtime.api.ApiResponse;
import dev.skiff.runtime.api.InferenceApi;
import dev.skiff.runtime.model.Model;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.ProtocolException;

import java.util.List;

/**
 * Answers a batch event on any server: the model and version it names, resolved by the server's
 * backend, scored by {@link BatchScorer} through the backend's own infer (the pool's batcher on
 * the GPU pool), written by {@link BatchAnswer}. The Lambda function and the pool both call it,
 * so the same event gets the same bytes from either.
 */
public final class BatchJob {
    private BatchJob() {}

    /** @param event a batch whose {@link BatchEvent#model()} is set (the caller picks a default) */
    public static ApiResponse answer(InferenceApi.Backend backend, BatchEvent event) {
        if (event.items() == null) throw ProtocolException.badRequest("the batch has no \"Items\" array");
        Model model = backend.model(event.model());
        if (model == null) {
            throw ProtocolException.notFound(
                    "model '" + event.model() + "' is not served here; models: " + backend.modelNames());
        }
        ModelVersion version = backend.resolve(model, event.version());
        if (version == null) {
            throw ProtocolException.notFound("model '" + model.name() + "' has no version or alias '" + event.version()
                    + "'; versions: " + model.versionNames());
        }
        long start = System.nanoTime();
        List<BatchResult> results =
                BatchScorer.of(version).score(event.items(), request -> backend.infer(version, request));
        long scored = System.nanoTime();
        byte[] body = BatchAnswer.write(results);
        return ApiResponse.ok(body, model.name(), version.version())
                .withTimings(0, scored - start, System.nanoTime() - scored);
    }
}
