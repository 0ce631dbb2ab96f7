package dev.skiff.emulator.auth;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Access keys the emulator accepts SigV4 signatures from, as API Gateway accepts those of the
 * account's principals.
 *
 * @param sessionToken the token temporary credentials come with, or null
 * @param source where the key came from (environment, profile NAME), for the caller's identity and the log
 */
public record IamCredential(String accessKeyId, String secretAccessKey, String sessionToken, String source) {

    /** Shown instead of the key: its first and last four characters. */
    public String masked() {
        int length = accessKeyId.length();
        return length <= 8 ? accessKeyId : accessKeyId.substring(0, 4) + "..." + accessKeyId.substring(length - 4);
    }

    /**
     * The keys of this machine, as the AWS SDK and CLI find them: the environment ({@code AWS_ACCESS_KEY_ID}
     * ...), Java system properties, and the shared config and credentials files' profile
     * ({@code AWS_PROFILE} or default), or the profiles named. What cannot be resolved is skipped; a
     * named profile that fails is reported. Container and instance credentials (the network) are not asked.
     */
    public static List<IamCredential> fromMachine(List<String> profiles, Consumer<String> notes) {
        Map<String, AwsCredentialsProvider> providers = new LinkedHashMap<>();
        providers.put("environment", EnvironmentVariableCredentialsProvider.create());
        providers.put("system properties", SystemPropertyCredentialsProvider.create());
        if (profiles.isEmpty()) {
            String profile = System.getenv().getOrDefault("AWS_PROFILE", "default");
            providers.put("profile " + profile, ProfileCredentialsProvider.create(profile));
        } else {
            profiles.forEach(name -> providers.put("profile " + name, ProfileCredentialsProvider.create(name)));
        }
        Map<String, IamCredential> found = new LinkedHashMap<>();
        providers.forEach((source, provider) -> {
            try {
                AwsCredentials credentials = provider.resolveCredentials();
                String token = credentials instanceof AwsSessionCredentials session ? session.sessionToken() : null;
                found.putIfAbsent(
                        credentials.accessKeyId(),
                        new IamCredential(credentials.accessKeyId(), credentials.secretAccessKey(), token, source));
            } catch (RuntimeException e) {
                if (!profiles.isEmpty() && source.startsWith("profile ")) {
                    notes.accept(source + ": no credentials (" + e.getMessage() + ")");
                }
            }
        });
        return new ArrayList<>(found.values());
    }
}
