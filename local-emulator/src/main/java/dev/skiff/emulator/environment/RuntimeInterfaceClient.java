package dev.skiff.emulator.environment;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The class path of Lambda's Java runtime: the official runtime interface client and the
 * libraries Lambda ships beside it ({@code /var/runtime/lib}), found on the emulator's own class path.
 */
final class RuntimeInterfaceClient {
    static final String MAIN_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private static final List<String> MARKER_CLASSES = List.of(
            MAIN_CLASS,
            "com.amazonaws.services.lambda.runtime.Context",
            "com.amazonaws.services.lambda.runtime.serialization.util.Functions",
            "software.amazon.awssdk.utilslite.SdkInternalThreadLocal");

    private RuntimeInterfaceClient() {}

    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String className : MARKER_CLASSES) {
            try {
                Class<?> type = Class.forName(className, false, RuntimeInterfaceClient.class.getClassLoader());
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
                throw new IllegalStateException("the Lambda runtime interface client is not on the emulator's class path ("
                        + className + " missing); rebuild with ./mvnw -pl local-emulator package", e);
            }
        }
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }
}
