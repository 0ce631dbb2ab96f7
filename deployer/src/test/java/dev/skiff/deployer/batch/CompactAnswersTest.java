package dev.skiff.deployer.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The function's compact answers read from their bytes give the answers Jackson's streaming read gives. */
class CompactAnswersTest {
    @Test
    void theFunctionsAnswersAreReadWithoutTheParser() {
        String json = "[{\"transaction_id\":\"t1\",\"label\":\"legit\",\"probability\":0.99718934},"
                + "{\"transaction_id\":\"t2\",\"label\":\"fraud\",\"probability\":1.5E-4},"
                + "{\"transaction_id\":\"t3\",\"error\":\"column 'amount_usd' is empty\"}]";
        List<ItemAnswer> answers = CompactAnswers.read(json.getBytes(StandardCharsets.UTF_8));
        assertNotNull(answers);
        assertEquals(3, answers.size());
        assertEquals("0.99718934", answers.get(0).get("probability"));
        assertEquals("1.5E-4", answers.get(1).get("probability"));
        assertSame(answers.get(0).names(), answers.get(1).names(), "rows of one batch share their names");
        assertTrue(answers.get(2).failed());
        assertEquals("column 'amount_usd' is empty", answers.get(2).get(ResultFiles.ERROR));
    }

    @Test
    void whatItDoesNotReadIsLeftToJackson() {
        for (String json : new String[] {
            "{\"error\":\"x\"}",
            " [{\"a\":1}]",
            "[{\"a\": 1}]",
            "[{\"a\":\"\\u00e9\"}]",
            "[{\"a\":\"é\"}]",
            "[{\"a\":true}]",
            "[{\"a\":null}]",
            "[{\"a\":[1]}]",
            "[{\"a\":01}]",
            "[{\"a\":1.}]",
            "[{\"a\":-}]",
            "[{}]",
            "[{\"a\":1}",
            "[{\"a\":1},]"
        }) {
            assertNull(CompactAnswers.read(json.getBytes(StandardCharsets.UTF_8)), json);
        }
    }

    /** Random answers, valid and broken: where the compact read takes one, Jackson reads the same answers from it. */
    @Test
    void randomAnswersReadAsJacksonReadsThem() throws IOException {
        String[] names = {"\"id\"", "\"label\"", "\"probability\"", "\"error\"", "\"e\\\"x\"", "\"é\""};
        String[] values = {
            "\"t1\"",
            "\"\"",
            "\"a b,c\"",
            "0",
            "-0",
            "12",
            "0.5",
            "-1.25e-7",
            "3E+2",
            "1e5",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "\"q\\\"\"",
            "\"\\n\"",
            "true",
            "null",
            "[1,2]",
            "{\"x\":1}",
            "\"ü\"",
            " 1",
            "1 "
        };
        Random random = new Random(5);
        int compact = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder json = new StringBuilder("[");
            int items = random.nextInt(4);
            for (int i = 0; i < items; i++) {
                if (i > 0) json.append(',');
                json.append('{');
                int fields = 1 + random.nextInt(3);
                for (int f = 0; f < fields; f++) {
                    if (f > 0) json.append(',');
                    // mostly the names and values the function writes, so that many answers are compact
                    json.append(random.nextInt(8) == 0 ? names[random.nextInt(names.length)] : names[f])
                            .append(':')
                            .append(values[random.nextInt(random.nextInt(3) == 0 ? values.length : 10)]);
                }
                json.append('}');
            }
            json.append(']');
            if (random.nextInt(10) == 0) json.setLength(random.nextInt(json.length() + 1)); // cut short
            byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
            List<ItemAnswer> fast = CompactAnswers.read(bytes);
            if (fast == null) continue;
            compact++;
            assertEquals(describe(jackson(bytes)), describe(fast), json.toString());
        }
        assertTrue(compact > 5_000, compact + " of 20,000 answers read compact");
    }

    private static List<ItemAnswer> jackson(byte[] json) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertEquals(JsonToken.START_ARRAY, p.nextToken());
            return ItemAnswer.readArray(p);
        }
    }

    private static String describe(List<ItemAnswer> answers) {
        StringBuilder text = new StringBuilder();
        for (ItemAnswer answer : answers)
            text.append(Arrays.toString(answer.names()))
                    .append(Arrays.toString(answer.values()))
                    .append(Arrays.toString(answer.json()))
                    .append('\n');
        return text.toString();
    }
}
