package dev.skiff.emulator.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.capture.CaptureRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

class CaptureDirectorySinkTest {
    @TempDir
    Path dir;

    static String capture(String model, String version, String id) {
        return CaptureRecord.LINE_PREFIX + ",\"model\":\"" + model + "\",\"modelVersion\":\"" + version
                + "\",\"target\":\"lambda\",\"captureData\":{},\"eventMetadata\":{\"eventId\":\"" + id + "\"}}";
    }

    @Test
    void captureLinesGoToTheirModelAndVersionAndTheRestToTheConsole() throws IOException {
        List<String> console = new ArrayList<>();
        try (CaptureDirectorySink sink =
                new CaptureDirectorySink(dir, (function, line) -> console.add(function + " " + line))) {
            sink.line("FraudFunction", "START RequestId: 1");
            sink.line("FraudFunction", capture("fraud", "1", "a"));
            sink.line("FraudFunction", capture("fraud", "2", "b"));
            sink.line("GpuPool", capture("minilm", "1", "c"));
            sink.line("FraudFunction", capture("fraud", "1", "d"));
        }
        assertEquals(List.of("FraudFunction START RequestId: 1"), console);
        assertEquals(2, lines(dir.resolve("fraud/1")).size());
        assertTrue(lines(dir.resolve("fraud/1")).get(1).contains("\"eventId\":\"d\""));
        assertEquals(1, lines(dir.resolve("fraud/2")).size());
        assertEquals(1, lines(dir.resolve("minilm/1")).size());
    }

    @Test
    void aCaptureLineThatNamesNoPlainDirectoryStaysOnTheConsole() throws IOException {
        List<String> console = new ArrayList<>();
        try (CaptureDirectorySink sink = new CaptureDirectorySink(dir, (function, line) -> console.add(line))) {
            sink.line("F", capture("../../etc", "1", "x"));
            sink.line("F", CaptureRecord.LINE_PREFIX + ",\"model\":\"fraud\"}");
            sink.line("F", CaptureRecord.LINE_PREFIX + ",not json");
        }
        assertEquals(3, console.size());
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(1, files.count(), "nothing written");
        }
    }

    private static List<String> lines(Path versionDir) throws IOException {
        try (Stream<Path> files = Files.list(versionDir)) {
            List<Path> hourly = files.toList();
            assertEquals(1, hourly.size());
            assertTrue(hourly.get(0).getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}-\\d{2}\\.jsonl"));
            return Files.readAllLines(hourly.get(0));
        }
    }
}
