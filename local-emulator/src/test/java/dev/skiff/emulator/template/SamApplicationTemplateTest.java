package dev.skiff.emulator.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** sam/template.yaml: valid SAM, and the routes the examples need, each model to its own function. */
class SamApplicationTemplateTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path TEMPLATE = REPOSITORY.resolve("sam/template.yaml");

    @Test
    void servesEachModelFromItsOwnFunctionThroughTheLiveAlias() {
        SamTemplate template = SamTemplateLoader.load(TEMPLATE, Map.of(), "us-east-1");
        assertEquals(List.of("FraudFunction", "MinilmFunction"), template.functions().stream().map(FunctionDefinition::functionName).toList());
        for (FunctionDefinition function : template.functions()) {
            assertEquals("java21", function.runtime());
            assertEquals("dev.skiff.runtime.lambda.SkiffHandler::handleRequest", function.handler());
            assertEquals(REPOSITORY.resolve("function-runtime/target/lambda"), function.code());
            assertEquals("live", function.autoPublishAlias());
        }
        assertEquals("fraud", template.function("FraudFunction").orElseThrow().environment().get("SKIFF_MODELS"));
        assertEquals("minilm", template.function("MinilmFunction").orElseThrow().environment().get("SKIFF_MODELS"));
        for (String model : List.of("fraud", "minilm")) {
            String function = model.equals("fraud") ? "FraudFunction" : "MinilmFunction";
            for (String route : List.of("POST /v2/models/" + model + "/infer", "POST /v2/models/" + model + "/versions/{version}/infer",
                    "GET /v2/models/" + model, "GET /v2/models/" + model + "/ready")) {
                assertTrue(template.routes().stream().anyMatch(r -> r.routeKey().equals(route)
                        && r.target().equals(new RouteTarget.Lambda(function, "live"))), route);
            }
        }
        for (String route : List.of("GET /v2", "GET /v2/health/live", "GET /v2/health/ready")) {
            assertTrue(template.routes().stream().anyMatch(r -> r.routeKey().equals(route)), route);
        }
        assertTrue(template.warnings().isEmpty(), template.warnings().toString());
    }

    @Test
    void isValidAgainstTheSamSchema() throws Exception {
        Path schemaFile = REPOSITORY.resolveSibling("shared/schemas/sam.schema.json");
        Assumptions.assumeTrue(Files.isRegularFile(schemaFile), "no SAM schema at " + schemaFile);
        Schema schema;
        try (InputStream in = Files.newInputStream(schemaFile)) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        }
        Object document = CloudFormationYaml.parse(Files.readString(TEMPLATE), TEMPLATE.toString());
        List<Error> errors = schema.validate(new ObjectMapper().writeValueAsString(document), InputFormat.JSON);
        assertTrue(errors.isEmpty(), errors.toString());
    }
}
