package dev.skiff.deployer.template;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every template Skiff ships or renders parses with CloudFormation's intrinsic tags and validates
 * against SAM's published JSON schema (../shared/schemas/sam.schema.json, when it is there).
 */
class TemplateSchemaTest {
    /** -Dskiff.sam.schema=FILE points at the schema where ../shared is not beside the checkout (a worktree). */
    static final Path SCHEMA = Path.of(System.getProperty(
            "skiff.sam.schema",
            SamApplicationTemplateTest.REPOSITORY
                    .resolveSibling("shared/schemas/sam.schema.json")
                    .toString()));

    private static Schema schema;

    @BeforeAll
    static void readSchema() throws IOException {
        if (!Files.isRegularFile(SCHEMA)) {
            System.out.println("SAM schema: not found at " + SCHEMA + "; templates are parsed but not validated");
            return;
        }
        try (InputStream in = Files.newInputStream(SCHEMA)) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                    .getSchema(in);
        }
    }

    static Stream<Arguments> templates() throws IOException {
        Path root = SamApplicationTemplateTest.REPOSITORY;
        List<Arguments> all = new ArrayList<>();
        all.add(Arguments.of("sam/template.yaml", Files.readString(root.resolve("sam/template.yaml"))));
        all.add(Arguments.of("rendered: Lambda models only", Renderings.lambdaOnly()));
        all.add(Arguments.of("rendered: a GPU-pool model only", Renderings.gpuPoolOnly()));
        all.add(Arguments.of("rendered: a GPU-pool model with batch jobs", Renderings.gpuPoolBatch()));
        all.add(Arguments.of("rendered: capturing models on Lambda and the GPU pool", Renderings.gpuPoolCapture()));
        all.add(Arguments.of("rendered: 12 models on either target", Renderings.manyEither(12)));
        try (Stream<Path> starters = Files.list(root.resolve("templates/starters"))) {
            for (Path starter : starters.filter(p -> Files.isRegularFile(p.resolve("template.yaml")))
                    .sorted()
                    .toList()) {
                // skiff init fills {{model}}; the rest is the starter as shipped
                String text = Files.readString(starter.resolve("template.yaml")).replace("{{model}}", "example");
                all.add(Arguments.of("templates/starters/" + starter.getFileName() + "/template.yaml", text));
            }
        }
        return all.stream();
    }

    @Test
    void theValidatorRejectsWhatSamWouldReject() throws Exception {
        assumeTrue(schema != null, "no SAM schema at " + SCHEMA);
        String yaml = Renderings.lambdaOnly().replace("      SnapStart:\n", "      SnapStarts:\n");
        List<Error> errors = schema.validate(
                new ObjectMapper()
                        .writeValueAsString(ParsedTemplate.parse("typo", yaml).root()),
                InputFormat.JSON);
        assertFalse(errors.isEmpty(), "a misspelt function property must fail validation");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void parsesAndValidatesAgainstTheSamSchema(String name, String yaml) throws Exception {
        ParsedTemplate template = ParsedTemplate.parse(name, yaml);
        assertTrue(template.resources().size() > 0);
        assumeTrue(schema != null, "no SAM schema at " + SCHEMA + ": parsed, not validated");
        List<Error> errors = schema.validate(new ObjectMapper().writeValueAsString(template.root()), InputFormat.JSON);
        assertTrue(errors.isEmpty(), () -> errors.size() + " schema errors: " + errors);
        System.out.println(
                "SAM schema: " + name + ": valid, " + template.resources().size() + " resources");
    }
}
