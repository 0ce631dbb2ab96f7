package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.Test;

import java.io.IOException;

/** The pool over the example models logs one JSON line per request, naming its target. */
class PoolRequestLogTest {
    @Test
    void poolLogsOneJsonLinePerRequest() throws Exception {
        try (TestServer pool = TestServer.start(TestFunction.examples())) {
            pool.get("/v2/models/fraud/ready");
            String last = null;
            for (String line : pool.log().split("\n")) {
                JsonNode json = json(line); // every line is JSON
                boolean fraudRequest = json.path("message").asText().equals("request")
                        && json.path("Model").asText().equals("fraud");
                if (fraudRequest) last = line;
            }
            String found = last;
            assertTrue(
                    found != null && found.contains("\"Target\":\"gpu-pool\""),
                    () -> "no request line for fraud: " + pool.log());
        }
    }

    private static JsonNode json(String line) throws IOException {
        return TestServer.JSON.readTree(line);
    }
}
