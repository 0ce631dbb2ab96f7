package dev.skiff.runtime.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Batch columns fill inputs of every type a batch takes (identity models echo them back), from CSV
 * rows (strings) and from JSONL objects (numbers and booleans), in model runs of several rows.
 */
class BatchInputTypesTest {
    @TempDir
    static Path repository;

    static TestFunction fn;

    @BeforeAll
    static void load() throws IOException {
        model("int64", OnnxModelBuilder.INT64, "[\"a\", \"b\"]", "n", 2);
        model("int32", OnnxModelBuilder.INT32, "[\"a\"]", "n");
        model("bool", OnnxModelBuilder.BOOL, "[\"a\"]", "n");
        model("fp64", OnnxModelBuilder.DOUBLE, "[\"a\", \"b\"]", "n", 2);
        fn = new TestFunction(repository);
    }

    static void model(String name, int type, String columns, Object... dims) throws IOException {
        Repositories.model(
                repository,
                name,
                1,
                OnnxModelBuilder.identity(type, dims),
                "{\"maxBatchSize\": 2, \"batch\": {\"inputs\": {\"x\": " + columns + "}, \"passThrough\": [\"id\"]}}");
    }

    @AfterAll
    static void close() {
        if (fn != null) fn.close();
    }

    static String batch(String model, String items) {
        return fn.invoke("{\"Items\": [" + items + "], \"BatchInput\": {\"model_name\": \"" + model + "\"}}")
                .toString();
    }

    @Test
    void csvRowsAndJsonlObjectsFillEveryType() {
        assertEquals(
                "[{\"id\":\"1\",\"y\":[1,-2]},{\"id\":\"2\",\"y\":[9007199254740993,0]},"
                        + "{\"id\":\"3\",\"error\":\"column 'b': '1.5' is not an integer (INT64)\"},{\"id\":\"4\",\"y\":[3,4]}]",
                batch(
                        "int64",
                        "{\"id\": \"1\", \"a\": \"1\", \"b\": \"-2\"}, {\"id\": \"2\", \"a\": \"9007199254740993\", \"b\": \"0\"},"
                                + "{\"id\": \"3\", \"a\": \"1\", \"b\": \"1.5\"}, {\"id\": \"4\", \"a\": \"3\", \"b\": \"4\"}"));
        assertEquals(
                "[{\"id\":1,\"y\":[1,-2]},{\"id\":2,\"y\":[3,4]},{\"id\":3,\"y\":[5,6]}]",
                batch(
                        "int64",
                        "{\"id\": 1, \"a\": 1, \"b\": -2}, {\"id\": 2, \"a\": 3, \"b\": 4}, {\"id\": 3, \"a\": 5, \"b\": 6}"));
        assertEquals(
                "[{\"id\":\"1\",\"y\":-2147483648},{\"id\":\"2\",\"y\":7},"
                        + "{\"id\":\"3\",\"error\":\"column 'a': 2147483648 does not fit INT32\"}]",
                batch(
                        "int32",
                        "{\"id\": \"1\", \"a\": \"-2147483648\"}, {\"id\": \"2\", \"a\": \"7\"}, {\"id\": \"3\", \"a\": \"2147483648\"}"));
        assertEquals(
                "[{\"id\":\"1\",\"y\":true},{\"id\":\"2\",\"y\":false},{\"id\":3,\"y\":true}]",
                batch(
                        "bool",
                        "{\"id\": \"1\", \"a\": \"TRUE\"}, {\"id\": \"2\", \"a\": \"0\"}, {\"id\": 3, \"a\": true}"));
        assertEquals(
                "[{\"id\":\"1\",\"y\":[0.1,-2.5E-7]},{\"id\":\"2\",\"y\":[1.0E300,3.0]},{\"id\":\"3\",\"y\":[12.25,0.0]}]",
                batch(
                        "fp64",
                        "{\"id\": \"1\", \"a\": \"0.1\", \"b\": \"-2.5e-7\"}, {\"id\": \"2\", \"a\": \"1e300\", \"b\": \"3\"},"
                                + "{\"id\": \"3\", \"a\": 12.25, \"b\": 0}"));
    }
}
