package dev.skiff.emulator.invokeapi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** The quick JSON check accepts valid objects and arrays, and never a payload Jackson refuses. */
class JsonSyntaxTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static boolean jacksonAccepts(byte[] payload) {
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != null) parser.skipChildren();
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static Object randomValue(Random random, int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (depth > 3 ? random.nextInt(5) : random.nextInt(7)) {
            case 0:
                return nodes.textNode(random.nextBoolean() ? "t" + random.nextInt() : "q\"\\/\b\f\n\r\t\u0001 x");
            case 1:
                return nodes.numberNode(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
            case 2:
                return nodes.numberNode(random.nextLong());
            case 3:
                return random.nextBoolean() ? nodes.booleanNode(random.nextBoolean()) : nodes.nullNode();
            case 4:
                return nodes.numberNode(random.nextInt(100));
            case 5: {
                ObjectNode object = nodes.objectNode();
                for (int i = random.nextInt(4); i > 0; i--)
                    object.set("k" + random.nextInt(9), (com.fasterxml.jackson.databind.JsonNode)
                            randomValue(random, depth + 1));
                return object;
            }
            default: {
                ArrayNode array = nodes.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--)
                    array.add((com.fasterxml.jackson.databind.JsonNode) randomValue(random, depth + 1));
                return array;
            }
        }
    }

    @Test
    void validObjectsAndArraysPass() throws Exception {
        Random random = new Random(13);
        for (int i = 0; i < 2000; i++) {
            ObjectNode root = JSON.createObjectNode();
            root.set("Items", (com.fasterxml.jackson.databind.JsonNode) randomValue(random, 0));
            String text = random.nextBoolean()
                    ? JSON.writeValueAsString(root)
                    : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
            assertTrue(JsonSyntax.isValid(text.getBytes(StandardCharsets.UTF_8)), text);
        }
        for (String ok :
                new String[] {"{}", " [ ] ", "[-0.5e+3, 0, 1E5, \"\\u00e9\"]", "{\"a\": [true, false, null]} trailing"
                }) {
            assertTrue(JsonSyntax.isValid(ok.getBytes(StandardCharsets.UTF_8)), ok);
        }
    }

    @Test
    void whatItDoesNotTakeGoesToJacksonAndItNeverTakesWhatJacksonRefuses() throws Exception {
        for (String bad : new String[] {
            "[1x]",
            "[01]",
            "[tru]",
            "[truex]",
            "{\"a\" 1}",
            "[1,]",
            "{\"a\":1,}",
            "[\"\\x\"]",
            "[\"a\nb\"]",
            "[1.]",
            "[-]",
            "[.5]",
            "[1e]",
            "{\"a\":1",
            "[",
            "{'a': 1}",
            "[NaN]",
            "{\"a\":1]",
            "[1 2]",
            "1",
            "\"s\"",
            "",
            "  "
        }) {
            assertFalse(JsonSyntax.isValid(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
        assertFalse(JsonSyntax.isValid("[\"é\"]".getBytes(StandardCharsets.UTF_8)), "non-ASCII text: Jackson decides");
        assertFalse(
                JsonSyntax.isValid(("[".repeat(600) + "]".repeat(600)).getBytes(StandardCharsets.UTF_8)),
                "deep: Jackson decides");
        Random random = new Random(17);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] valid = JSON.writeValueAsBytes(randomValue(random, 4 - random.nextInt(2)));
            byte[] mutated = mutate(valid, random);
            if (JsonSyntax.isValid(mutated)) {
                accepted++;
                assertTrue(jacksonAccepts(mutated), new String(mutated, StandardCharsets.UTF_8));
            }
        }
        assertTrue(accepted > 100, "some mutations stay valid: " + accepted);
    }

    /** Every byte a string may hold or must not, at every offset, and strings cut off at the end of the payload. */
    @Test
    void stringsAgreeWithJacksonWhereverTheirSpecialBytesFall() {
        String[] specials = {"\\\"", "\\\\", "\\n", "\\u00e9", "\\x", "\u0001", "\u001f", "\n", "\u007f", "~", " ", "é"
        };
        for (String special : specials) {
            for (int offset = 0; offset < 17; offset++) {
                String text = "a".repeat(offset) + special + "b".repeat(16 - offset);
                byte[] doc = ("[\"" + text + "\"]").getBytes(StandardCharsets.UTF_8);
                boolean jackson = jacksonAccepts(doc);
                boolean quick = JsonSyntax.isValid(doc);
                assertTrue(!quick || jackson, text);
                // only non-ASCII text goes to Jackson while being valid
                assertTrue(quick == jackson || special.equals("é"), text);
                for (int cut = 1; cut < doc.length; cut++) {
                    assertFalse(JsonSyntax.isValid(java.util.Arrays.copyOf(doc, cut)), "cut at " + cut + ": " + text);
                }
            }
        }
    }

    private static byte[] mutate(byte[] json, Random random) {
        byte[] out = json.clone();
        if (out.length == 0) return out;
        int at = random.nextInt(out.length);
        byte[] alphabet = "{}[],:\"\\ 0123456789-+.eEtrufalsn\u0001x".getBytes(StandardCharsets.ISO_8859_1);
        switch (random.nextInt(3)) {
            case 0 -> out[at] = alphabet[random.nextInt(alphabet.length)];
            case 1 -> out = java.util.Arrays.copyOf(out, at); // truncated
            default -> {
                byte[] longer = new byte[out.length + 1];
                System.arraycopy(out, 0, longer, 0, at);
                longer[at] = alphabet[random.nextInt(alphabet.length)];
                System.arraycopy(out, at, longer, at + 1, out.length - at);
                out = longer;
            }
        }
        return out;
    }
}
