package dev.skiff.emulator.environment;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** The client's own switch: load its JNI library from this file instead of unpacking it. */
    static final String NATIVE_LIBRARY_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    private RuntimeInterfaceClient() {}

    /**
     * Unpacks the client's JNI library once for the emulator. Left to itself, every environment
     * unpacks it over the same /tmp/.libaws-lambda-jni.so while others load it, and parallel cold
     * starts die of SIGBUS; on Lambda each environment has its own /tmp.
     */
    static Path unpackNativeLibrary(Path directory) {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "aarch_64" : "x86_64";
        String resource = "/jni/libaws-lambda-jni.linux-" + arch + ".so";
        try (InputStream library = Class.forName(MAIN_CLASS, false, RuntimeInterfaceClient.class.getClassLoader())
                .getResourceAsStream(resource)) {
            if (library == null) throw new IllegalStateException("the runtime interface client jar has no " + resource);
            Files.createDirectories(directory);
            Path file = directory.resolve("libaws-lambda-jni.so");
            Path partial = Files.createTempFile(directory, "libaws-lambda-jni", ".partial");
            Files.copy(library, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot unpack the runtime interface client's JNI library into " + directory, e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "the Lambda runtime interface client is not on the emulator's class path", e);
        }
    }

    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String className : MARKER_CLASSES) {
            try {
                Class<?> type = Class.forName(className, false, RuntimeInterfaceClient.class.getClassLoader());
                entries.add(Path.of(type.getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toString());
            } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
                throw new IllegalStateException(
                        "the Lambda runtime interface client is not on the emulator's class path (" + className
                                + " missing); rebuild with ./mvnw -pl local-emulator package",
                        e);
            }
        }
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }
}
