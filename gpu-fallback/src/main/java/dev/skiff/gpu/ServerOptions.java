package dev.skiff.gpu;

import dev.skiff.runtime.contract.Limits;
import dev.skiff.gpu.provider.ExecutionProviderSelector.Preference;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How the server is started: command-line flags, each with an environment variable that the
 * container (or the local emulator) sets instead; a flag wins over its variable.
 */
public record ServerOptions(
        Path models,
        Set<String> only,
        String host,
        int port,
        Preference executionProvider,
        int cudaDevice,
        boolean batching,
        Path aliasesFile,
        Duration pollInterval,
        Duration drainTimeout,
        int maxBodyBytes,
        boolean management) {

    public static final String USAGE = """
            usage: java -cp 'gpu-fallback/target/lib/*' dev.skiff.gpu.GpuServer [options]
              --models DIR               model repository             SKIFF_MODEL_REPOSITORY  (./models)
              --only a,b                 serve only these models      SKIFF_MODELS            (all)
              --host HOST                address to listen on         SKIFF_HOST              (127.0.0.1)
              --port N                   port, 0 for any free one     SKIFF_PORT              (8080)
              --execution-provider P     auto, cuda or cpu            SKIFF_EXECUTION_PROVIDER (auto)
              --cuda-device N            CUDA device id               SKIFF_CUDA_DEVICE       (0)
              --batching on|off          merge requests into batches  SKIFF_BATCHING          (on)
              --aliases FILE             aliases at start (JSON)      SKIFF_ALIASES_FILE      (none)
              --poll-seconds N           watch the repository, 0 off  SKIFF_POLL_SECONDS      (0)
              --drain-seconds N          SIGTERM drain limit          SKIFF_DRAIN_SECONDS     (25)
              --max-body-bytes N         request body limit           SKIFF_MAX_BODY_BYTES    (6291456)
              --management on|off        /v2/repository routes        SKIFF_MANAGEMENT        (on)
            """;

    private static final Map<String, String> FLAG_TO_ENV = flags();

    private static Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("--models", "SKIFF_MODEL_REPOSITORY");
        flags.put("--only", "SKIFF_MODELS");
        flags.put("--host", "SKIFF_HOST");
        flags.put("--port", "SKIFF_PORT");
        flags.put("--execution-provider", "SKIFF_EXECUTION_PROVIDER");
        flags.put("--cuda-device", "SKIFF_CUDA_DEVICE");
        flags.put("--batching", "SKIFF_BATCHING");
        flags.put("--aliases", "SKIFF_ALIASES_FILE");
        flags.put("--poll-seconds", "SKIFF_POLL_SECONDS");
        flags.put("--drain-seconds", "SKIFF_DRAIN_SECONDS");
        flags.put("--max-body-bytes", "SKIFF_MAX_BODY_BYTES");
        flags.put("--management", "SKIFF_MANAGEMENT");
        return Map.copyOf(flags);
    }

    /** @throws IllegalArgumentException naming the flag or variable that is wrong */
    public static ServerOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        FLAG_TO_ENV.forEach((flag, variable) -> {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) values.put(flag, value.trim());
        });
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (!FLAG_TO_ENV.containsKey(arg)) throw new IllegalArgumentException("unknown option '" + args[i] + "'\n" + USAGE);
            if (value == null) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("option " + arg + " needs a value\n" + USAGE);
                value = args[++i];
            }
            values.put(arg, value);
        }
        String only = values.getOrDefault("--only", "");
        return new ServerOptions(
                Path.of(values.getOrDefault("--models", "models")),
                only.isBlank() ? Set.of() : Set.of(only.trim().split("\\s*,\\s*")),
                values.getOrDefault("--host", "127.0.0.1"),
                integer(values, "--port", 8080, 0, 65535),
                Preference.parse(values.getOrDefault("--execution-provider", "auto")),
                integer(values, "--cuda-device", 0, 0, 1024),
                onOff(values, "--batching", true),
                values.containsKey("--aliases") ? Path.of(values.get("--aliases")) : null,
                Duration.ofSeconds(integer(values, "--poll-seconds", 0, 0, 86_400)),
                Duration.ofSeconds(integer(values, "--drain-seconds", 25, 0, 3_600)),
                integer(values, "--max-body-bytes", Limits.MAX_REQUEST_BODY_BYTES, 1, Integer.MAX_VALUE - 8),
                onOff(values, "--management", true));
    }

    /** The same options with another port and batching switch (tests and the benchmark). */
    public ServerOptions with(int newPort, boolean newBatching) {
        return new ServerOptions(models, only, host, newPort, executionProvider, cudaDevice, newBatching, aliasesFile,
                pollInterval, drainTimeout, maxBodyBytes, management);
    }

    private static int integer(Map<String, String> values, String flag, int fallback, int min, int max) {
        String text = values.get(flag);
        if (text == null) return fallback;
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) throw new NumberFormatException();
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " (or " + FLAG_TO_ENV.get(flag) + ") must be a whole number from "
                    + min + " to " + max + ", not '" + text + "'");
        }
    }

    private static boolean onOff(Map<String, String> values, String flag, boolean fallback) {
        String text = values.get(flag);
        if (text == null) return fallback;
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(flag + " (or " + FLAG_TO_ENV.get(flag) + ") must be on or off, not '"
                    + text + "'");
        };
    }
}
