package dev.skiff.runtime.protocol;

import static dev.skiff.runtime.testing.OnnxModelBuilder.*;
import static dev.skiff.runtime.testing.TestFunction.body;
import static dev.skiff.runtime.testing.vectors.LambdaEvents.httpApiEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

/** Every datatype through real ONNX Runtime sessions, in and out, through the Lambda handler. */
class DatatypeRoundTripTest {
    @TempDir
    static Path repo;

    static TestFunction fn;

    @BeforeAll
    static void models() throws Exception {
        int[] types = {BOOL, UINT8, INT8, INT16, INT32, INT64, FLOAT16, FLOAT, DOUBLE, STRING};
        String[] names = {"bool", "uint8", "int8", "int16", "int32", "int64", "fp16", "fp32", "fp64", "bytes"};
        for (int i = 0; i < types.length; i++) {
            Repositories.model(repo, names[i], 1, OnnxModelBuilder.identity(types[i], "batch", 3), null);
        }
        // UINT16/32/64 can only come out of a model through the Java API: cast from INT64
        int[] unsigned = {UINT16, UINT32, UINT64};
        String[] unsignedNames = {"uint16", "uint32", "uint64"};
        for (int i = 0; i < unsigned.length; i++) {
            Repositories.model(
                    repo,
                    unsignedNames[i],
                    1,
                    new OnnxModelBuilder()
                            .input("x", INT64, "batch", 3)
                            .output("y", unsigned[i], "batch", 3)
                            .node("Cast", List.of("x"), List.of("y"), OnnxModelBuilder.intAttribute("to", unsigned[i])),
                    null);
        }
        fn = new TestFunction(repo);
    }

    @AfterAll
    static void close() {
        fn.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "bool   | BOOL  | [true,false,true,false,false,true]",
                "uint8  | UINT8 | [0,1,255,7,128,3]",
                "int8   | INT8  | [-128,0,127,-1,5,6]",
                "int16  | INT16 | [-32768,0,32767,-2,9,10]",
                "int32  | INT32 | [-2147483648,0,2147483647,-3,11,12]",
                "int64  | INT64 | [-9223372036854775808,0,9223372036854775807,-4,13,14]",
                "fp16   | FP16  | [0.5,-2.0,65504.0,0.0,1.0,-0.25]",
                "fp32   | FP32  | [1.5,-2.25,3.4028235E38,1.0E-7,0.0,-0.0]",
                "fp64   | FP64  | [1.5,-2.25,1.7976931348623157E308,4.9E-324,0.1,-3.0]",
                "bytes  | BYTES | [\"a\",\"\",\"héllo ✓\",\"x\\\"y\",\"\\n\",\"z\"]",
            })
    void identityRoundTrip(String model, String datatype, String data) throws Exception {
        String request = "{\"id\":\"r-" + model + "\",\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\""
                + datatype + "\",\"data\":" + data + "}]}";
        JsonNode answer = fn.invoke(httpApiEvent("POST", "/v2/models/" + model + "/infer", request));
        assertEquals(200, answer.get("statusCode").asInt(), answer.toString());
        JsonNode out = body(answer);
        assertEquals("r-" + model, out.get("id").asText());
        assertEquals(model, out.get("model_name").asText());
        assertEquals("1", out.get("model_version").asText());
        JsonNode y = out.get("outputs").get(0);
        assertEquals("y", y.get("name").asText());
        assertEquals(datatype, y.get("datatype").asText());
        assertEquals("[2,3]", y.get("shape").toString());
        assertEquals(TestFunction.JSON.readTree(data), y.get("data"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "uint16 | UINT16 | [0,1,65535,2,3,4]",
                "uint32 | UINT32 | [0,1,4294967295,2,3,4]",
                "uint64 | UINT64 | [0,1,-1,2,3,9223372036854775807]",
            })
    void unsignedOutputs(String model, String datatype, String int64Data) throws Exception {
        String request =
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"INT64\",\"data\":" + int64Data + "}]}";
        JsonNode out = body(fn.invoke(httpApiEvent("POST", "/v2/models/" + model + "/infer", request)));
        JsonNode y = out.get("outputs").get(0);
        assertEquals(datatype, y.get("datatype").asText());
        String expected = switch (model) {
            case "uint64" -> "[0,1,18446744073709551615,2,3,9223372036854775807]";
            default -> int64Data;
        };
        assertEquals(TestFunction.JSON.readTree(expected), y.get("data"));
    }

    @Test
    void nestedDataEqualsFlatData() {
        String nested =
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[[1,2,3],[4,5,6]]}]}";
        JsonNode y = body(fn.invoke(httpApiEvent("POST", "/v2/models/fp32/infer", nested)))
                .get("outputs")
                .get(0);
        assertEquals("[1.0,2.0,3.0,4.0,5.0,6.0]", y.get("data").toString());
    }

    @Test
    void fieldsInAnyOrderAndParametersAreAccepted() {
        String request = "{\"parameters\":{\"priority\":1,\"trace\":true},\"inputs\":[{\"data\":[1,2,3],\"parameters\":"
                + "{\"content_type\":\"x\"},\"datatype\":\"INT32\",\"shape\":[1,3],\"name\":\"x\"}],\"id\":\"late\"}";
        JsonNode out = body(fn.invoke(httpApiEvent("POST", "/v2/models/int32/infer", request)));
        assertEquals("late", out.get("id").asText());
        assertEquals("[1,2,3]", out.get("outputs").get(0).get("data").toString());
    }

    @Test
    void nonFiniteFloatsTravelAsStrings() {
        String request =
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[\"NaN\",\"Infinity\",\"-Infinity\"]}]}";
        JsonNode y = body(fn.invoke(httpApiEvent("POST", "/v2/models/fp32/infer", request)))
                .get("outputs")
                .get(0);
        assertEquals("[\"NaN\",\"Infinity\",\"-Infinity\"]", y.get("data").toString());
    }

    @Test
    void tfServingInstancesGetPredictions() {
        String request = "{\"instances\":[[1,2,3],[4,5,6]]}";
        JsonNode out = body(fn.invoke(httpApiEvent("POST", "/v2/models/int64/infer", request)));
        assertEquals("{\"predictions\":[[1,2,3],[4,5,6]]}", out.toString());
    }

    @Test
    void tfServingNamedInstances() {
        String request = "{\"signature_name\":\"serving_default\",\"instances\":[{\"x\":[\"a\",\"b\",\"c\"]}]}";
        JsonNode out = body(fn.invoke(httpApiEvent("POST", "/v2/models/bytes/infer", request)));
        assertEquals("{\"predictions\":[[\"a\",\"b\",\"c\"]]}", out.toString());
    }
}
