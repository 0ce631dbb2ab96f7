package dev.skiff.emulator.gpupool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class GpuServerCommandTest {
    @TempDir
    Path home;

    @AfterEach
    void clearHome() {
        System.clearProperty(GpuServerCommand.SKIFF_HOME_PROPERTY);
    }

    @Test
    void theServerComesFromTheSkiffHomesLibWithTheCpuBuildOfOnnxRuntime() throws Exception {
        Path lib = Files.createDirectories(home.resolve(GpuServerCommand.LIB));
        for (String jar : List.of("gpu-fallback.jar", "onnxruntime-1.29.0.jar", "onnxruntime_gpu-1.29.0.jar")) {
            Files.writeString(lib.resolve(jar), "jar");
        }
        System.setProperty(GpuServerCommand.SKIFF_HOME_PROPERTY, home.toString());
        GpuServerCommand command = GpuServerCommand.ofSkiffHome();
        assertEquals(GpuServerCommand.MAIN_CLASS, command.mainClass());
        assertEquals(
                lib.resolve("gpu-fallback.jar").toAbsolutePath()
                        + File.pathSeparator
                        + lib.resolve("onnxruntime-1.29.0.jar").toAbsolutePath(),
                command.classPath());
    }

    @Test
    void noHomeOrAHomeWithoutTheServerHasNone() {
        assertNull(GpuServerCommand.ofSkiffHome());
        System.setProperty(GpuServerCommand.SKIFF_HOME_PROPERTY, home.toString());
        assertNull(GpuServerCommand.ofSkiffHome());
    }
}
