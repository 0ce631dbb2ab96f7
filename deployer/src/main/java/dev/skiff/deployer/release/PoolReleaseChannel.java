package dev.skiff.deployer.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.deployer.cli.ExitCodes;
import dev.skiff.deployer.cli.UserError;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A GPU-pool model's versions and aliases through the pool's management API (gpu-fallback's
 * ManagementApi: {@code /v2/repository/models/{model}/aliases}, versions from the protocol's model
 * metadata). The pool sits inside the VPC, so {@code --pool-url} is reached from there or through
 * a tunnel. Pool aliases carry no description, so rollback goes to the highest lower version.
 */
public final class PoolReleaseChannel implements ReleaseChannel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String model;

    public PoolReleaseChannel(URI base, String model) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.model = model;
    }

    @Override
    public String target() {
        return "gpu-pool";
    }

    @Override
    public String location() {
        return base.toString();
    }

    @Override
    public List<String> versions() {
        List<String> versions = new ArrayList<>();
        send("GET", "v2/models/" + model, null).path("versions").forEach(v -> versions.add(v.asText()));
        versions.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        return versions;
    }

    @Override
    public List<AliasRoute> aliases() {
        List<AliasRoute> aliases = new ArrayList<>();
        for (JsonNode alias : send("GET", "v2/repository/models/" + model + "/aliases", null).path("aliases")) {
            aliases.add(route(alias));
        }
        return aliases;
    }

    @Override
    public void setAlias(AliasRoute route) {
        ObjectNode body = JSON.createObjectNode();
        body.put("version", route.version());
        if (route.hasCanary()) body.putObject("additionalVersionWeights").put(route.canaryVersion(), route.canaryWeight());
        send("PUT", "v2/repository/models/" + model + "/aliases/" + route.name(), body);
    }

    static AliasRoute route(JsonNode alias) {
        String canary = null;
        double weight = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = alias.path("additionalVersionWeights").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            canary = entry.getKey();
            weight = entry.getValue().asDouble();
        }
        return new AliasRoute(alias.path("name").asText(), alias.path("version").asText(), canary, weight, null);
    }

    private JsonNode send(String method, String path, JsonNode body) {
        URI uri = base.resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("accept", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) request.header("content-type", "application/json");
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 300) {
                throw new UserError("the GPU pool answered " + response.statusCode() + " to " + method + " " + uri + ": "
                        + answer.path("error").asText(response.body()), ExitCodes.USAGE_OR_INPUT);
            }
            return answer;
        } catch (IOException e) {
            throw new UserError("cannot reach the GPU pool at " + uri + " (" + e.getMessage() + "); check --pool-url and that "
                    + "this machine can reach the pool (it is internal to the VPC)", ExitCodes.AWS_ERROR, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while talking to the GPU pool", ExitCodes.AWS_ERROR);
        }
    }
}
