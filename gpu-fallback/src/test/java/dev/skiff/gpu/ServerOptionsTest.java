package dev.skiff.gpu;

import dev.skiff.gpu.provider.ExecutionProviderSelector.Preference;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerOptionsTest {

    @Test
    void flagsWinOverTheEnvironment() {
        ServerOptions options = ServerOptions.parse(new String[] {"--port", "9001", "--batching=off"},
                Map.of("SKIFF_PORT", "9000", "SKIFF_MODEL_REPOSITORY", "/opt/models", "SKIFF_MODELS", "fraud, minilm",
                        "SKIFF_EXECUTION_PROVIDER", "cuda"));
        assertEquals(9001, options.port());
        assertEquals(Path.of("/opt/models"), options.models());
        assertEquals(Set.of("fraud", "minilm"), options.only());
        assertEquals(Preference.CUDA, options.executionProvider());
        assertFalse(options.batching());
    }

    @Test
    void defaultsSuitALaptop() {
        ServerOptions options = ServerOptions.parse(new String[0], Map.of());
        assertEquals("127.0.0.1", options.host());
        assertEquals(8080, options.port());
        assertTrue(options.batching() && options.management());
        assertEquals(Preference.AUTO, options.executionProvider());
    }

    @Test
    void mistakesNameTheOption() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerOptions.parse(new String[] {"--prot", "1"}, Map.of()))
                .getMessage().contains("--prot"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerOptions.parse(new String[0], Map.of("SKIFF_PORT", "x")))
                .getMessage().contains("SKIFF_PORT"));
    }
}
