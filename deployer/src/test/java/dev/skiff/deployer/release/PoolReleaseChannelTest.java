package dev.skiff.deployer.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deployer's side of the pool's alias routes: what it writes is read by the pool's codec
 * ({@link AliasDocument}) as the route it meant, and what the pool lists comes back as the same
 * alias. The stand-in pool serves the management API's alias routes as gpu-fallback's ManagementApi
 * does: parseRoute on PUT, routeJson with the name on GET.
 */
class PoolReleaseChannelTest {
    private HttpServer pool;
    private final Map<String, AliasRoute> stored = new LinkedHashMap<>();
    private final List<String> bodies = new ArrayList<>();
    private String listOverride;

    @BeforeEach
    void startPool() throws IOException {
        pool = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String metadata = "{\"name\": \"fraud\", \"versions\": [\"10\", \"2\", \"3\"]}";
        pool.createContext("/v2/models/fraud", exchange -> answer(exchange, metadata));
        pool.createContext("/v2/repository/models/fraud/aliases", this::aliases);
        pool.start();
    }

    @AfterEach
    void stopPool() {
        pool.stop(0);
    }

    private void aliases(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (exchange.getRequestMethod().equals("PUT")) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            bodies.add(new String(body, StandardCharsets.UTF_8));
            String alias = path.substring(path.lastIndexOf('/') + 1);
            stored.put(alias, AliasDocument.parseRoute(body, "the alias body"));
            answer(exchange, new String(AliasDocument.routeJson(alias, stored.get(alias)), StandardCharsets.UTF_8));
            return;
        }
        List<String> listed = new ArrayList<>();
        stored.forEach((name, route) -> listed.add(json(AliasDocument.routeJson(name, route))));
        String list = "{\"name\": \"fraud\", \"aliases\": [" + String.join(", ", listed) + "]}";
        answer(exchange, listOverride != null ? listOverride : list);
    }

    private static String json(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private PoolReleaseChannel channel() {
        return new PoolReleaseChannel(
                URI.create("http://127.0.0.1:" + pool.getAddress().getPort() + "/"), "fraud");
    }

    @Test
    void whatTheDeployerWritesThePoolReadsAsTheRouteItMeant() {
        channel().setAlias(new AliasState("live", "2", "3", 0.1, "1"));
        channel().setAlias(AliasState.to("canary", "3", null));

        assertEquals(Map.of("live", new AliasRoute(2, 3L, 0.1), "canary", AliasRoute.to(3)), stored);
        assertEquals(
                json(AliasDocument.routeJson(null, new AliasRoute(2, 3L, 0.1))),
                bodies.get(0),
                "the body is the pool's own document for that route");
    }

    @Test
    void whatThePoolListsComesBackAsTheSameAliases() {
        List<AliasState> written =
                List.of(new AliasState("live", "2", "3", 0.25, null), AliasState.to("canary", "3", null));
        written.forEach(channel()::setAlias);

        assertEquals(written, channel().aliases(), "the pool keeps no previous version; the rest round-trips");
        assertEquals("2 (75%) + 3 (25%)", channel().alias("live").orElseThrow().describe());
        assertEquals(List.of("2", "3", "10"), channel().versions(), "versions in number order");
    }

    @Test
    void eachAliasMapsToThePoolsRouteAndBack() {
        List<AliasState> aliases =
                List.of(AliasState.to("live", "7", null), new AliasState("live", "7", "8", 0.5, null));
        for (AliasState alias : aliases) {
            AliasRoute route = PoolReleaseChannel.route(alias);
            byte[] json = AliasDocument.routeJson(alias.name(), route);
            assertArrayEquals(json, AliasDocument.routeJson(alias.name(), AliasDocument.parseRoute(json, "route")));
            assertEquals(alias, PoolReleaseChannel.state(alias.name(), AliasDocument.parseRoute(json, "route")));
        }
        assertEquals(
                AliasRoute.to(7),
                PoolReleaseChannel.route(new AliasState("live", "7", "8", 0, null)),
                "a canary at 0% is no canary");
    }

    @Test
    void anAliasThePoolCannotHoldOrTheDeployerCannotReadIsAnErrorThatSaysSo() {
        AliasState latest = AliasState.to("live", "$LATEST", null);
        UserError version = assertThrows(UserError.class, () -> PoolReleaseChannel.route(latest));
        assertTrue(
                version.getMessage().contains("alias 'live' cannot route to $LATEST on the GPU pool"),
                version.getMessage());

        listOverride = "{\"aliases\": [{\"name\": \"live\", \"version\": \"two\"}]}";
        UserError unreadable = assertThrows(UserError.class, () -> channel().aliases());
        assertTrue(
                unreadable.getMessage().contains("alias 'live': \"version\" must be a version number"),
                unreadable.getMessage());
        listOverride = "{\"aliases\": [{\"version\": \"2\"}]}";
        UserError nameless = assertThrows(UserError.class, () -> channel().aliases());
        assertTrue(nameless.getMessage().contains("an alias without a \"name\""), nameless.getMessage());
    }
}
