package dev.skiff.runtime.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.skiff.runtime.api.Route;
import org.junit.jupiter.api.Test;

class RouteTest {
    @Test
    void protocolRoutes() {
        assertEquals(new Route(Route.Kind.SERVER_METADATA, null, null), Route.parse("/v2"));
        assertEquals(new Route(Route.Kind.LIVE, null, null), Route.parse("/v2/health/live"));
        assertEquals(new Route(Route.Kind.READY, null, null), Route.parse("/v2/health/ready/"));
        assertEquals(new Route(Route.Kind.MODEL_METADATA, "m", null), Route.parse("/v2/models/m"));
        assertEquals(new Route(Route.Kind.MODEL_READY, "m", "3"), Route.parse("/v2/models/m/versions/3/ready"));
        assertEquals(new Route(Route.Kind.INFER, "m", "canary"), Route.parse("/v2/models/m/versions/canary/infer"));
        assertEquals(
                new Route(Route.Kind.INFER, "m", null),
                Route.parse("/prod/v2/models/m/infer"),
                "a named stage is skipped");
    }

    @Test
    void otherPathsAreNotRoutes() {
        assertNull(Route.parse("/"));
        assertNull(Route.parse("/v1/models/m/infer"));
        assertNull(Route.parse("/v2/models"));
        assertNull(Route.parse("/v2/models/m/versions/3" + "/predict"));
        assertNull(Route.parse("/v2/health/dead"));
        assertNull(Route.parse("/a/b/v2/models/m/infer"));
        assertNull(Route.parse("/v2x/models/m/infer"));
    }
}
