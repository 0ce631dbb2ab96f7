package dev.skiff.emulator.cli;

import dev.skiff.emulator.auth.AuthMode;
import dev.skiff.emulator.auth.AuthSettings;
import dev.skiff.emulator.auth.LocalIssuer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How {@code start-api} authorizes requests: the mode, whose access keys count, where the local issuer's key is. */
final class AuthOptions {

    @Option(
            names = "--auth",
            defaultValue = "warn",
            paramLabel = "enforce|warn|off",
            converter = ModeConverter.class,
            description = {
                "enforce: refuse what API Gateway refuses (401/403 with its bodies); warn: check, log "
                        + "what it would refuse and let it through; off: check nothing (default: ${DEFAULT-VALUE})"
            })
    AuthMode mode;

    @Option(
            names = "--iam-profile",
            paramLabel = "NAME",
            description = "a shared-config profile whose access key may sign requests to AWS_IAM routes (repeatable; "
                    + "default: the environment's keys and $AWS_PROFILE or default)")
    List<String> profiles = new ArrayList<>();

    @Option(
            names = "--local-issuer-dir",
            paramLabel = "DIR",
            defaultValue = ".skiff/local-issuer",
            description = "the local token issuer's key, which `skiff local token` signs with "
                    + "(default: ${DEFAULT-VALUE})")
    Path localIssuer = LocalIssuer.DEFAULT_DIRECTORY;

    AuthSettings settings() {
        return new AuthSettings(mode, localIssuer, null, profiles);
    }

    static final class ModeConverter implements ITypeConverter<AuthMode> {
        @Override
        public AuthMode convert(String value) {
            try {
                return AuthMode.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not enforce, warn or off");
            }
        }
    }
}
