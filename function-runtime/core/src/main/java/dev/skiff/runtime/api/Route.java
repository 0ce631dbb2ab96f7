package dev.skiff.runtime.api;

/**
 * An Open Inference Protocol route, parsed from a request path.
 *
 * @param version the version or alias in the path, or null for the default
 */
public record Route(Kind kind, String model, String version) {

    public enum Kind {
        SERVER_METADATA("GET"),
        LIVE("GET"),
        READY("GET"),
        MODEL_METADATA("GET"),
        MODEL_READY("GET"),
        INFER("POST");

        public final String method;

        Kind(String method) {
            this.method = method;
        }
    }

    /**
     * Parses {@code /v2...}; a leading stage segment ({@code /prod/v2/...}, as API Gateway passes
     * for named stages) is skipped. Null when the path is not a protocol route.
     */
    public static Route parse(String path) {
        if (path == null) return null;
        int start = path.startsWith("/v2") ? 0 : stageSkipped(path);
        if (start < 0) return null;
        String[] parts = path.substring(start).split("/", -1);
        int n = parts.length;
        if (n > 1 && parts[n - 1].isEmpty()) n--; // a trailing slash
        // parts[0] is "" (leading slash), parts[1] is "v2"
        if (n < 2 || !parts[0].isEmpty() || !parts[1].equals("v2")) return null;
        if (n == 2) return new Route(Kind.SERVER_METADATA, null, null);
        if (n == 4 && parts[2].equals("health")) {
            if (parts[3].equals("live")) return new Route(Kind.LIVE, null, null);
            if (parts[3].equals("ready")) return new Route(Kind.READY, null, null);
            return null;
        }
        if (!parts[2].equals("models") || n < 4 || parts[3].isEmpty()) return null;
        String model = parts[3];
        int next = 4;
        String version = null;
        if (n > 5 && parts[4].equals("versions") && !parts[5].isEmpty()) {
            version = parts[5];
            next = 6;
        }
        if (n == next) return new Route(Kind.MODEL_METADATA, model, version);
        if (n == next + 1 && parts[next].equals("ready")) return new Route(Kind.MODEL_READY, model, version);
        if (n == next + 1 && parts[next].equals("infer")) return new Route(Kind.INFER, model, version);
        return null;
    }

    private static int stageSkipped(String path) {
        int second = path.indexOf('/', 1);
        return second > 0
                        && path.startsWith("/v2", second)
                        && (path.length() == second + 3 || path.charAt(second + 3) == '/')
                ? second
                : -1;
    }
}
