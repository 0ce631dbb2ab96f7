package dev.skiff.emulator.auth;

import java.nio.file.Path;
import java.util.List;

/**
 * How the HTTP API authorizes requests.
 *
 * @param localIssuer the folder of the local token issuer's key ({@code skiff local token} signs with it)
 * @param credentials the access keys SigV4 signatures are checked with, or null for this machine's
 *     ({@link IamCredential#fromMachine}), looked up at start when a route asks for AWS_IAM
 * @param profiles the shared-config profiles whose keys count, when credentials come from the machine
 *     (none: the environment and {@code AWS_PROFILE} or default)
 */
public record AuthSettings(AuthMode mode, Path localIssuer, List<IamCredential> credentials, List<String> profiles) {

    public AuthSettings {
        credentials = credentials == null ? null : List.copyOf(credentials);
        profiles = List.copyOf(profiles);
    }

    /** Checked and logged, never refused ({@code --auth warn}); the machine's keys; the project's local issuer. */
    public static AuthSettings defaults() {
        return new AuthSettings(AuthMode.WARN, LocalIssuer.DEFAULT_DIRECTORY, null, List.of());
    }

    public AuthSettings withMode(AuthMode value) {
        return new AuthSettings(value, localIssuer, credentials, profiles);
    }

    public AuthSettings withLocalIssuer(Path directory) {
        return new AuthSettings(mode, directory, credentials, profiles);
    }

    public AuthSettings withCredentials(List<IamCredential> keys) {
        return new AuthSettings(mode, localIssuer, keys, profiles);
    }
}
