package dev.skiff.gpu.provider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.gpu.provider.ExecutionProviderSelector.Preference;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

/** On this CPU build of ONNX Runtime: auto falls back to the CPU and says why; cuda refuses to start. */
class ExecutionProviderSelectorTest {

    @Test
    void autoFallsBackToTheCpuAndSaysWhy() {
        ExecutionProvider provider = ExecutionProviderSelector.select(Preference.AUTO, 0);
        assertEquals(ExecutionProvider.Kind.CPU, provider.kind());
        assertTrue(provider.reason().startsWith("CUDA is not usable: "), provider.reason());
    }

    @Test
    void cudaRequiredButMissingRefusesToStart() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> ExecutionProviderSelector.select(Preference.CUDA, 0));
        assertTrue(e.getMessage().contains("cannot be used"), e.getMessage());
    }

    @Test
    void cpuAskedForIsTheCpu() {
        assertEquals("CPU", ExecutionProviderSelector.select(Preference.CPU, 0).label());
    }

    @Test
    void theProbeModelIsAnIdentityModelFromTheTestBuilder() throws Exception {
        try (InputStream in =
                ExecutionProviderSelector.class.getResourceAsStream(ExecutionProviderSelector.PROBE_MODEL)) {
            assertArrayEquals(
                    OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n").build(), in.readAllBytes());
        }
    }
}
