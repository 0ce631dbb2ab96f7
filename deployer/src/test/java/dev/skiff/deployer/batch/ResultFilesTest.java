package dev.skiff.deployer.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Answers read with the streaming parser come out in the result files as their JSON trees did. */
class ResultFilesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ANSWERS = "[{\"id\": \"a\", \"label\": \"fraud\", \"probability\": 0.98765433},"
            + " {\"id\": \"b,c\", \"error\": \"column 'x' is empty\"},"
            + " {\"id\": null, \"embedding\": [0.5, -1.0E-5], \"flag\": true, \"n\": 3},"
            + " 7,"
            + " {\"id\": \"d\", \"label\": \"say \\\"hi\\\"\", \"probability\": 1.0E-5}]";

    static List<ItemAnswer> read(String json) throws Exception {
        try (JsonParser p = JSON.getFactory().createParser(json)) {
            p.nextToken();
            return ItemAnswer.readArray(p);
        }
    }

    @Test
    void streamedAnswersWriteTheSameCsvAndJsonlAsTheirTrees(@TempDir Path dir) throws Exception {
        List<ItemAnswer> answers = read(ANSWERS);
        assertEquals(5, answers.size());
        for (BatchFormat format : BatchFormat.values()) {
            Path streamed = dir.resolve("s-" + format), trees = dir.resolve("t-" + format);
            try (ResultFiles s = new ResultFiles(streamed, "in", format);
                    ResultFiles t = new ResultFiles(trees, "in", format)) {
                for (int i = 0; i < answers.size(); i++) {
                    s.write(i + 1, answers.get(i));
                    t.write(i + 1, JSON.readTree(ANSWERS).get(i));
                }
            }
            for (String file : new String[] {"in.out", "in.failed.csv"}) {
                assertEquals(
                        Files.readString(trees.resolve(file)),
                        Files.readString(streamed.resolve(file)),
                        format + " " + file);
            }
        }
        assertEquals(
                List.of(
                        "row,id,label,probability,error",
                        "1,a,fraud,0.98765433,",
                        "2,\"b,c\",,,\"column 'x' is empty\"",
                        "3,,,,",
                        "4,,,,",
                        "5,d,\"say \"\"hi\"\"\",1.0E-5,"),
                Files.readAllLines(dir.resolve("s-CSV/in.out")));
        assertEquals(
                "{\"row\":3,\"id\":null,\"embedding\":[0.5,-1.0E-5],\"flag\":true,\"n\":3}",
                Files.readAllLines(dir.resolve("s-JSONL/in.out")).get(2));
        assertEquals(
                List.of("row,key,message", "2,\"id=b,c\",\"column 'x' is empty\""),
                Files.readAllLines(dir.resolve("s-CSV/in.failed.csv")));
    }
}
