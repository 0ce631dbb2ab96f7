package dev.skiff.deployer.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.deployer.report.TextTable;
import dev.skiff.runtime.contract.AliasDocument;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What each reachable task of the GPU pool serves, beside what the store says: its loaded versions
 * and the aliases it routes now, read from its management listener (loopback in the task, so
 * reached through a tunnel such as an SSM port forward). A task that does not answer is reported,
 * not fatal: the store is the truth, a task only catches up with it.
 */
public final class PoolTasks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** One row per task and model: TASK, MODEL, SERVES, ALIASES. */
    public TextTable table(List<URI> tasks, List<String> models) {
        TextTable table = new TextTable("TASK", "MODEL", "SERVES", "ALIASES");
        for (URI task : tasks) {
            String base = task.toString().replaceAll("/+$", "");
            try {
                JsonNode index = send("POST", base + "/v2/repository/index");
                for (String model : models) {
                    List<String> serving = new ArrayList<>();
                    for (JsonNode version : index) {
                        if (model.equals(version.path("name").asText())
                                && "READY".equals(version.path("state").asText())) {
                            serving.add(version.path("version").asText());
                        }
                    }
                    table.row(task, model, serving.isEmpty() ? "-" : String.join(", ", serving), aliases(base, model));
                }
            } catch (IOException | RuntimeException e) {
                String why =
                        e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                table.row(task, "-", "unreachable: " + why, "-");
            }
        }
        return table;
    }

    private String aliases(String base, String model) throws IOException {
        List<String> routes = new ArrayList<>();
        for (JsonNode alias : send("GET", base + "/v2/repository/models/" + model + "/aliases")
                .path("aliases")) {
            String name = alias.path(AliasDocument.NAME).asText();
            byte[] route = alias.toString().getBytes(StandardCharsets.UTF_8);
            routes.add(name + ": "
                    + PoolReleaseChannel.state(name, AliasDocument.parseRoute(route, "alias '" + name + "'"))
                            .describe());
        }
        return routes.isEmpty() ? "-" : String.join("; ", routes);
    }

    private JsonNode send(String method, String uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404 && uri.contains("/aliases")) return JSON.createObjectNode();
            if (response.statusCode() != 200) {
                throw new IOException(method + " " + uri + " answered " + response.statusCode() + " "
                        + JSON.readTree(response.body()).path("error").asText(response.body()));
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
