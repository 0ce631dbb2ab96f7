package dev.skiff.deployer.batch;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Sends one batch event to the function and returns its answer (the emulator's Invoke API, or a test's). */
@FunctionalInterface
public interface BatchInvoker {
    byte[] invoke(byte[] event) throws Exception;

    /** A name as one URL path segment (a space is %20 there, not +). */
    static String pathSegment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
