package dev.skiff.emulator.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the emulator's endpoints see it: already read in full.
 *
 * @param rawPath the path as sent, percent-encoding kept
 * @param path the decoded path
 * @param rawQuery the query string as sent, or null
 * @param headers header names in the case the client sent, each with its values in order
 */
public record HttpCall(
        String method,
        String rawPath,
        String path,
        String rawQuery,
        Map<String, List<String>> headers,
        byte[] body,
        String remoteAddress,
        String protocol) {

    /** The first value of a header, matched without regard to case, or null. */
    public String header(String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
