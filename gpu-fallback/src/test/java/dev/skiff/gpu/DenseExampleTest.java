package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Locale;

/** The dense example (examples/pool-models) as the pool serves it: it loads, answers rows, and its requests may merge. */
class DenseExampleTest {
    /** Beside the example models the examples module builds. */
    static final Path POOL_MODELS = Path.of(System.getProperty("skiff.examples.models", "../examples/models"))
            .resolveSibling("pool-models");

    @Test
    void servesRowsOfScoresAndMergesRequests() throws Exception {
        try (TestServer pool = TestServer.start(POOL_MODELS, "--only", "dense")) {
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < 2 * 256; i++)
                row.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", (i % 17) / 17.0 - 0.5));
            TestServer.Reply reply = pool.post(
                    "/v2/models/dense/infer",
                    "{\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[2,256],\"data\":[" + row
                            + "]}]}");
            assertEquals(200, reply.status(), reply::text);
            JsonNode scores = reply.json().get("outputs").get(0);
            assertEquals("scores", scores.get("name").asText());
            assertEquals("[2,16]", scores.get("shape").toString());
            assertTrue(
                    pool.log().contains("work-conserving batching up to the learned batch size (now 1) of 64 rows"),
                    "the dense example's requests do not merge: " + pool.log());
        }
    }
}
