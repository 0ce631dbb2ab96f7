package dev.skiff.deployer.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.deployer.cli.ExitCodes;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.runtime.contract.Target;

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
 * A GPU-pool model's versions and aliases through the pool's management API (gpu-fallback's
 * ManagementApi: {@code /v2/repository/models/{model}/aliases}, versions from the protocol's model
 * metadata). An alias's route goes both ways in the pool's own codec, {@link AliasDocument}. The
 * pool sits inside the VPC, so {@code --pool-url} is reached from there or through a tunnel. Pool
 * aliases carry no description, so rollback goes to the highest lower version.
 */
public final class PoolReleaseChannel implements ReleaseChannel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final String model;

    public PoolReleaseChannel(URI base, String model) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.model = model;
    }

    @Override
    public Target target() {
        return Target.GPU_POOL;
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
    public List<AliasState> aliases() {
        List<AliasState> aliases = new ArrayList<>();
        for (JsonNode alias :
                send("GET", "v2/repository/models/" + model + "/aliases", null).path("aliases")) {
            aliases.add(state(alias));
        }
        return aliases;
    }

    @Override
    public void setAlias(AliasState alias) {
        byte[] route = AliasDocument.routeJson(null, route(alias));
        send("PUT", "v2/repository/models/" + model + "/aliases/" + alias.name(), route);
    }

    /** The pool's route for an alias: the versions and the canary's weight; the pool keeps no previous version. */
    static AliasRoute route(AliasState alias) {
        try {
            long version = Long.parseLong(alias.version());
            if (!alias.hasCanary()) return AliasRoute.to(version);
            return new AliasRoute(version, Long.parseLong(alias.canaryVersion()), alias.canaryWeight());
        } catch (IllegalArgumentException e) {
            throw new UserError("alias '" + alias.name() + "' cannot route to " + alias.describe()
                    + " on the GPU pool: " + e.getMessage() + "; pool versions are positive numbers");
        }
    }

    static AliasState state(String name, AliasRoute route) {
        Long canary = route.additionalVersion();
        return new AliasState(
                name,
                Long.toString(route.version()),
                canary == null ? null : canary.toString(),
                canary == null ? 0 : route.additionalWeight(),
                null);
    }

    /** One alias of the management API's list: its name beside its route, as AliasDocument.routeJson writes it. */
    private AliasState state(JsonNode alias) {
        String name = alias.path(AliasDocument.NAME).asText("");
        if (name.isEmpty()) throw unreadable("an alias without a \"name\": " + alias);
        try {
            byte[] route = alias.toString().getBytes(StandardCharsets.UTF_8);
            return state(name, AliasDocument.parseRoute(route, "alias '" + name + "'"));
        } catch (IllegalArgumentException e) {
            throw unreadable(e.getMessage());
        }
    }

    private UserError unreadable(String problem) {
        return new UserError(
                "the GPU pool at " + base + " lists " + problem
                        + "; is --pool-url a Skiff GPU pool of the same Skiff version?",
                ExitCodes.AWS_ERROR);
    }

    private JsonNode send(String method, String path, byte[] body) {
        URI uri = base.resolve(path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("accept", "application/json");
        request.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) request.header("content-type", "application/json");
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 300) {
                throw new UserError(
                        "the GPU pool answered " + response.statusCode() + " to " + method + " " + uri + ": "
                                + answer.path("error").asText(response.body()),
                        ExitCodes.USAGE_OR_INPUT);
            }
            return answer;
        } catch (IOException e) {
            throw new UserError(
                    "cannot reach the GPU pool at " + uri + " (" + e.getMessage() + "); check --pool-url and that "
                            + "this machine can reach the pool (it is internal to the VPC)",
                    ExitCodes.AWS_ERROR,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while talking to the GPU pool", ExitCodes.AWS_ERROR);
        }
    }
}
