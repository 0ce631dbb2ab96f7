package dev.skiff.emulator.environment;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The JVM flags Lambda's Java 17 and 21 runtimes start a function with: heap at 85 % of the memory
 * size, the serial collector, and tiered compilation stopped at C1. Lambda documents that a
 * function's {@code JAVA_TOOL_OPTIONS} changes the collector and the tiered compilation level
 * ("Customize Java runtime startup behavior"). The JVM reads that variable before its command
 * line, so a default on the command line would silently win over the function's choice (for the
 * collector, the JVM refuses to start: "Multiple garbage collectors selected"). A default the
 * function's options set is therefore left out.
 */
final class LambdaJvmDefaults {
    private static final Pattern SETS_COLLECTOR = Pattern.compile("-XX:[+-]Use\\w*GC\\b");
    private static final Pattern SETS_TIERING = Pattern.compile("-XX:[+-]?Tiered(Compilation|StopAtLevel)\\b");

    private LambdaJvmDefaults() {}

    /** @param javaToolOptions the function's JAVA_TOOL_OPTIONS, or null */
    static List<String> flags(int memorySizeMb, String javaToolOptions) {
        String options = javaToolOptions == null ? "" : javaToolOptions;
        List<String> flags = new ArrayList<>();
        flags.add("-XX:MaxHeapSize=" + (memorySizeMb * 1024L * 85 / 100) + "k");
        if (!SETS_COLLECTOR.matcher(options).find()) flags.add("-XX:+UseSerialGC");
        if (!SETS_TIERING.matcher(options).find()) {
            flags.add("-XX:+TieredCompilation");
            flags.add("-XX:TieredStopAtLevel=1");
        }
        flags.add("-Xshare:auto");
        return flags;
    }
}
