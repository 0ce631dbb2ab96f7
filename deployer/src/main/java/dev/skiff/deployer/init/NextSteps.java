package dev.skiff.deployer.init;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The commands {@code skiff init} prints after writing a project, exactly as they run in the shell
 * that called it: a JDK 21+ for {@code ./mvnw} when that shell's own Java is older, and {@code skiff}
 * by name only when the PATH finds this very launcher.
 *
 * @param launcher the skiff launcher that runs this process (bin/skiff sets skiff.launcher), or null
 * @param callerHasJdk21 whether the calling shell's JAVA_HOME, or java on its PATH, is a JDK 21+
 *     (bin/jdk exports SKIFF_CALLER_HAS_JDK21)
 * @param javaHome the JDK 21+ this process runs on, for a shell without one
 * @param searchPath the calling shell's PATH
 */
public record NextSteps(Path skiffHome, Path launcher, boolean callerHasJdk21, String javaHome, String searchPath) {

    /** As bin/skiff started this process. */
    public static NextSteps ofThisProcess(Path skiffHome) {
        String launcher = System.getProperty("skiff.launcher");
        return new NextSteps(
                skiffHome,
                launcher == null ? null : Path.of(launcher),
                !"false".equals(System.getenv("SKIFF_CALLER_HAS_JDK21")),
                System.getProperty("java.home"),
                System.getenv().getOrDefault("PATH", ""));
    }

    /** The lines to print: build, serve, then ask it from another shell. */
    public List<String> lines(Path project, String framework, String model) {
        Path dir = project.toAbsolutePath().normalize();
        // no comment on a command line: zsh, interactive, would pass it to mvnw as arguments
        String build = callerHasJdk21 ? "./mvnw -B package" : "JAVA_HOME=" + javaHome + " ./mvnw -B package";
        String next = callerHasJdk21
                ? "Next:"
                : "Next (./mvnw needs a JDK 21+; this shell's java is older, so it gets skiff's):";
        return List.of(
                "created " + dir + " (" + framework + "). " + next,
                "  cd " + dir + " && " + build,
                "  " + skiffCommand() + " local start-api --template template.yaml",
                "then, from " + dir + " in another shell:",
                "  curl -s -X POST --data-binary @request.json http://127.0.0.1:3000/v2/models/" + model + "/infer");
    }

    /** {@code skiff} when the PATH's first skiff is this launcher, else this launcher's absolute path. */
    String skiffCommand() {
        Path self = launcher != null ? launcher : skiffHome.resolve("bin/skiff");
        for (String entry : searchPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) continue;
            Path candidate = Path.of(entry, "skiff");
            if (!Files.isExecutable(candidate)) continue;
            return sameFile(candidate, self) || sameFile(candidate, skiffHome.resolve("bin/skiff"))
                    ? "skiff"
                    : absolute(self);
        }
        return absolute(self);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private static String absolute(Path launcher) {
        return launcher.toAbsolutePath().normalize().toString();
    }
}
