package dev.skiff.emulator.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * sam/template.yaml as the emulator reads it: each model from its own function through its
 * aliases, or minilm through the GPU pool when its Target parameter says so. (The deployer's
 * tests check it against the SAM schema and the fragments it is rendered from.)
 */
class SamApplicationTemplateTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path TEMPLATE = REPOSITORY.resolve("sam/template.yaml");

    @Test
    void servesEachModelFromItsOwnFunctionThroughItsAliases() {
        SamTemplate template = SamTemplateLoader.load(TEMPLATE, Map.of(), "us-east-1");
        assertEquals(
                List.of("FraudFunction", "FraudDriftFunction", "MinilmFunction"),
                template.functions().stream()
                        .map(FunctionDefinition::functionName)
                        .toList());
        FunctionDefinition drift = template.function("FraudDriftFunction").orElseThrow();
        assertEquals("dev.skiff.monitoring.lambda.DriftHandler::handleRequest", drift.handler());
        assertEquals(REPOSITORY.resolve("monitoring/target/lambda"), drift.code());
        for (FunctionDefinition function : template.functions()) {
            if (function == drift) continue;
            assertEquals("java21", function.runtime());
            assertEquals("dev.skiff.runtime.lambda.SkiffHandler::handleRequest", function.handler());
            assertEquals(REPOSITORY.resolve("function-runtime/lambda/target/lambda"), function.code());
            assertEquals("live", function.autoPublishAlias());
        }
        assertEquals(
                "fraud",
                template.function("FraudFunction").orElseThrow().environment().get("SKIFF_MODELS"));
        assertEquals(
                "minilm",
                template.function("MinilmFunction").orElseThrow().environment().get("SKIFF_MODELS"));
        assertEquals(
                List.of(
                        new AliasDefinition("FraudCanaryAlias", "FraudFunction", "canary"),
                        new AliasDefinition("MinilmCanaryAlias", "MinilmFunction", "canary")),
                template.aliases());
        for (String model : List.of("fraud", "minilm")) {
            String function = model.equals("fraud") ? "FraudFunction" : "MinilmFunction";
            for (String route : List.of(
                    "POST /v2/models/" + model + "/infer",
                    "POST /v2/models/" + model + "/versions/{version}/infer",
                    "GET /v2/models/" + model,
                    "GET /v2/models/" + model + "/ready")) {
                assertEquals(new RouteTarget.Lambda(function, "live"), target(template, route), route);
            }
            assertEquals(
                    new RouteTarget.Lambda(function, "canary"),
                    target(template, "POST /v2/models/" + model + "/versions/canary/infer"));
        }
        for (String route : List.of("GET /v2", "GET /v2/health/live", "GET /v2/health/ready")) {
            assertEquals(new RouteTarget.Lambda("FraudFunction", "live"), target(template, route), route);
        }
        assertFalse(template.hasGpuPoolRoutes());
        assertNull(template.gpuPool(), "the GPU pool is under a condition that is false by default");
        // AuthType's default: every route asks for SigV4, none is open; nothing is unresolved
        assertTrue(
                template.routes().stream().allMatch(r -> r.auth().equals(RouteAuth.IAM)),
                template.routes().toString());
        assertTrue(
                template.warnings().stream().noneMatch(w -> w.contains("has no local value")),
                template.warnings().toString());
    }

    @Test
    void authTypeJwtPutsEveryRouteBehindTheIssuerAndAudienceGiven() {
        SamTemplate template = SamTemplateLoader.load(
                TEMPLATE,
                Map.of(
                        "AuthType",
                        "JWT",
                        "JwtIssuer",
                        "http://127.0.0.1:3000",
                        "JwtAudience",
                        "skiff-local,other-client"),
                "us-east-1");
        Authorizer.Jwt expected = new Authorizer.Jwt(
                "skiffAuth",
                "$request.header.Authorization",
                "http://127.0.0.1:3000",
                List.of("skiff-local", "other-client"));
        assertFalse(template.routes().isEmpty());
        for (HttpRoute route : template.routes()) {
            assertEquals(new RouteAuth(expected, List.of()), route.auth(), route.routeKey());
        }
        assertTrue(
                template.warnings().stream().noneMatch(w -> w.contains("JWT authorizer")),
                template.warnings().toString());
    }

    @Test
    void minilmOnTheGpuPoolGoesToTheLocalPoolWithTheTaskDefinitionsModels() {
        SamTemplate template = SamTemplateLoader.load(TEMPLATE, Map.of("MinilmTarget", "gpu-pool"), "us-east-1");
        assertEquals(
                List.of("FraudFunction", "FraudDriftFunction"),
                template.functions().stream()
                        .map(FunctionDefinition::functionName)
                        .toList());
        for (String route : List.of(
                "POST /v2/models/minilm/infer",
                "POST /v2/models/minilm/versions/{version}/infer",
                "POST /v2/models/minilm/versions/canary/infer",
                "GET /v2/models/minilm/ready")) {
            assertTrue(target(template, route) instanceof RouteTarget.HttpProxy, route);
        }
        assertEquals(new RouteTarget.Lambda("FraudFunction", "live"), target(template, "POST /v2/models/fraud/infer"));
        GpuPoolDefinition pool = template.gpuPool();
        assertEquals(REPOSITORY.resolve("examples/models"), pool.modelRepository());
        assertEquals("minilm", pool.environment().get("SKIFF_MODELS"));
        assertTrue(
                template.warnings().stream().noneMatch(w -> w.contains("has no local value")),
                template.warnings().toString());
    }

    private static RouteTarget target(SamTemplate template, String routeKey) {
        return template.routes().stream()
                .filter(r -> r.routeKey().equals(routeKey))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no route " + routeKey))
                .target();
    }
}
