package dev.skiff.emulator.httpapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.skiff.emulator.template.HttpRoute;
import dev.skiff.emulator.template.RouteTarget;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class RouteTableTest {

    private static HttpRoute route(String method, String path, String function) {
        return new HttpRoute("Api", method, path, new RouteTarget.Lambda(function, null), "2.0", 30000, "test");
    }

    private final RouteTable table = new RouteTable(List.of(
            route("ANY", "$default", "fallback"),
            route("ANY", "/v2/{proxy+}", "greedy"),
            route("POST", "/v2/models/{model}/infer", "param"),
            route("POST", "/v2/models/fraud/infer", "literal"),
            route("ANY", "/v2/models/{model}", "any-method"),
            route("GET", "/v2/models/{model}", "get")));

    private String target(String method, String path) {
        RouteTable.Match match = table.match(method, path);
        return match == null ? null : ((RouteTarget.Lambda) match.route().target()).functionName();
    }

    @Test
    void theMostSpecificRouteWins() {
        assertEquals("literal", target("POST", "/v2/models/fraud/infer"));
        assertEquals("param", target("POST", "/v2/models/minilm/infer"));
        assertEquals("get", target("GET", "/v2/models/minilm"));
        assertEquals("any-method", target("DELETE", "/v2/models/minilm"));
        assertEquals("greedy", target("GET", "/v2/health/ready"));
        assertEquals("fallback", target("GET", "/elsewhere"));
    }

    @Test
    void capturesPathParameters() {
        assertEquals(
                Map.of("model", "minilm"),
                table.match("POST", "/v2/models/minilm/infer").pathParameters());
        assertEquals(Map.of("proxy", "a/b/c"), table.match("GET", "/v2/a/b/c").pathParameters());
    }

    @Test
    void withoutADefaultRouteNothingElseMatches() {
        RouteTable strict = new RouteTable(List.of(route("GET", "/v2/health/live", "live")));
        assertNull(strict.match("GET", "/v2/health/ready"));
        assertNull(strict.match("POST", "/v2/health/live"));
        assertEquals(
                "live",
                ((RouteTarget.Lambda)
                                strict.match("GET", "/v2/health/live/").route().target())
                        .functionName());
    }
}
