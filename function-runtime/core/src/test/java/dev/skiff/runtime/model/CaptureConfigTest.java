package dev.skiff.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

/** config.json's "capture" section: off by default, every field read, and errors that name the field. */
class CaptureConfigTest {

    @Test
    void captureIsOffByDefault() throws IOException {
        ModelConfig.Capture capture = ModelConfigTest.parse("{}").capture();
        assertEquals(ModelConfig.Capture.OFF, capture);
        assertFalse(capture.on());
    }

    @Test
    void everyCaptureFieldIsRead() throws IOException {
        ModelConfig config = ModelConfigTest.parse(
                "{\"capture\": {\"samplingPercent\": 25, \"data\": \"inputs\", \"inputs\": [\"features\"]}}");
        assertEquals(
                new ModelConfig.Capture(25, ModelConfig.CaptureData.INPUTS, List.of("features")), config.capture());
        assertEquals(
                config,
                ModelConfig.builder()
                        .capture(new ModelConfig.Capture(25, ModelConfig.CaptureData.INPUTS, List.of("features")))
                        .build());
    }

    @Test
    void onlyTheConfiguredInputsAreCaptured() {
        ModelConfig.Capture some = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of("a"));
        assertTrue(some.captures("a"));
        assertFalse(some.captures("b"));
        ModelConfig.Capture all = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of());
        assertTrue(all.captures("b"));
        ModelConfig.Capture outputsOnly = new ModelConfig.Capture(100, ModelConfig.CaptureData.OUTPUTS, List.of());
        assertFalse(outputsOnly.captures("a"));
    }

    @Test
    void badCaptureFieldsAreErrorsThatSayWhatToFix() {
        assertEquals(
                "\"capture.samplingPercent\" must be 0 to 100, not 101",
                ModelConfigTest.error("{\"capture\": {\"samplingPercent\": 101}}"));
        assertEquals(
                "unknown field \"capture.percent\"; expected samplingPercent, data, inputs",
                ModelConfigTest.error("{\"capture\": {\"percent\": 5}}"));
        assertEquals(
                "\"capture.data\" must be one of \"inputs\", \"outputs\", \"both\", not all",
                ModelConfigTest.error("{\"capture\": {\"data\": \"all\"}}"));
        assertEquals("\"capture\" must be an object", ModelConfigTest.error("{\"capture\": true}"));
        assertEquals(
                "\"capture.inputs\" must be an array of strings",
                ModelConfigTest.error("{\"capture\": {\"inputs\": \"features\"}}"));
    }
}
