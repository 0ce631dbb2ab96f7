package dev.skiff.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** config.json's "batch" section: which columns fill which input, which pass through, and its errors. */
class BatchColumnsConfigTest {

    static ModelConfig parse(String json) throws IOException {
        return ModelConfig.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> parse(json)).getMessage();
    }

    @Test
    void aModelWithoutTheSectionTakesNoBatchJobs() throws IOException {
        assertNull(parse("{}").batch());
    }

    @Test
    void columnsKeepTheirOrderPerInput() throws IOException {
        BatchColumns batch = parse("""
                {"batch": {"inputs": {"features": ["b", "a", "c"], "extra": ["z"]}, "passThrough": ["id", "day"]}}""").batch();
        assertEquals(List.of("features", "extra"), List.copyOf(batch.inputs().keySet()));
        assertEquals(Map.of("features", List.of("b", "a", "c"), "extra", List.of("z")), batch.inputs());
        assertEquals(List.of("id", "day"), batch.passThrough());
        assertEquals(List.of("b", "a", "c", "z"), batch.requiredColumns());
    }

    @Test
    void theBuilderSetsIt() {
        BatchColumns columns = new BatchColumns(Map.of("x", List.of("a")), List.of());
        assertEquals(columns, ModelConfig.builder().batch(columns).build().batch());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals(
                "unknown field \"batch.input\"; expected inputs, passThrough", error("{\"batch\": {\"input\": {}}}"));
        assertEquals("\"batch.inputs\" must name at least one input", error("{\"batch\": {\"inputs\": {}}}"));
        assertEquals(
                "\"batch.inputs.features\" must list at least one column",
                error("{\"batch\": {\"inputs\": {\"features\": []}}}"));
        assertEquals(
                "\"batch.inputs.features\" must be an array of column names",
                error("{\"batch\": {\"inputs\": {\"features\": [1]}}}"));
        assertEquals(
                "\"batch.passThrough\" lists 'id' twice",
                error("{\"batch\": {\"inputs\": {\"f\": [\"a\"]}, \"passThrough\": [\"id\", \"id\"]}}"));
        assertEquals("\"batch\" must be an object with \"inputs\" and \"passThrough\"", error("{\"batch\": true}"));
    }
}
