package dev.skiff.emulator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/** Lays out the test functions in Lambda's package layout in a directory, as a build would. */
public final class TestFunctionPackage {

    private TestFunctionPackage() {}

    /** Copies the compiled test handlers (classes at the root) and writes marker.txt. */
    public static Path javaPackage(Path directory, String marker) {
        try {
            Path classes = Path.of(TestFunctionPackage.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            Path source = classes.resolve("dev/skiff/emulator/testfunctions");
            Path target = directory.resolve("dev/skiff/emulator/testfunctions");
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.toList()) {
                    Files.copy(
                            file, target.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.createDirectories(directory.resolve("lib"));
            Files.writeString(directory.resolve("marker.txt"), marker);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A provided.al2023 package: a bootstrap script that speaks the Runtime API with curl. */
    public static Path bootstrapPackage(Path directory) {
        try {
            Files.createDirectories(directory);
            Path bootstrap = directory.resolve("bootstrap");
            Files.writeString(bootstrap, """
                    #!/bin/sh
                    # A custom runtime: poll the Runtime API, answer each event with a greeting that quotes it.
                    set -eu
                    api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
                    headers=$(mktemp)
                    echo "bootstrap started for $AWS_LAMBDA_FUNCTION_NAME with handler $_HANDLER"
                    while true; do
                      event=$(curl -sS -D "$headers" "$api/invocation/next")
                      request_id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | cut -d' ' -f2 | tr -d '\\r\\n')
                      echo "bootstrap handling $request_id"
                      case "$event" in
                        *fail*) curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Bootstrap.Failure' \\
                                  -d '{"errorMessage":"asked to fail","errorType":"Bootstrap.Failure"}' "$api/invocation/$request_id/error" ;;
                        *) curl -sS -o /dev/null -X POST -d "{\\"greeting\\":\\"hello from bootstrap\\",\\"handler\\":\\"$_HANDLER\\",\\"event\\":$event}" \\
                                  "$api/invocation/$request_id/response" ;;
                      esac
                    done
                    """);
            Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rwxr-xr-x"));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
