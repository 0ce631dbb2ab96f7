package dev.skiff.emulator.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.List;

class LambdaJvmDefaultsTest {
    private static final String HEAP = "-XX:MaxHeapSize=" + (512 * 1024 * 85 / 100) + "k";

    @Test
    void lambdasFlagsWithoutJavaToolOptions() {
        List<String> all =
                List.of(HEAP, "-XX:+UseSerialGC", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
        assertEquals(all, LambdaJvmDefaults.flags(512, null));
        assertEquals(all, LambdaJvmDefaults.flags(512, "-Dapp.mode=batch -XX:+ExitOnOutOfMemoryError"));
    }

    @Test
    void aCollectorChosenInJavaToolOptionsReplacesTheSerialOne() {
        for (String options : List.of("-XX:+UseParallelGC", "-XX:+UseShenandoahGC", "-Dx=1 -XX:+UseG1GC -Dy=2")) {
            assertEquals(
                    List.of(HEAP, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto"),
                    LambdaJvmDefaults.flags(512, options),
                    options);
        }
    }

    @Test
    void aTieredSettingInJavaToolOptionsReplacesTheC1OnlyDefault() {
        for (String options : List.of("-XX:TieredStopAtLevel=4", "-XX:-TieredCompilation", "-XX:+TieredCompilation")) {
            assertEquals(
                    List.of(HEAP, "-XX:+UseSerialGC", "-Xshare:auto"), LambdaJvmDefaults.flags(512, options), options);
        }
    }
}
