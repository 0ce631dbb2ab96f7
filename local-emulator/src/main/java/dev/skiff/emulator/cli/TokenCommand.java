package dev.skiff.emulator.cli;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.skiff.emulator.auth.LocalIssuer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code skiff local token}: prints a JWT from the local issuer, for routes whose JWT authorizer trusts
 * it; expired, not-yet-valid, other-audience and other-scope tokens are one flag away.
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = {
            "Print a JWT signed by the local issuer, whose keys `start-api` serves on its port. Point the "
                    + "template's JWT authorizer at it, e.g. start-api --parameter-overrides AuthType=JWT "
                    + "JwtIssuer=http://127.0.0.1:3000 JwtAudience=skiff-local, then send Authorization: Bearer <token>."
        })
final class TokenCommand implements Callable<Integer> {

    static final String DEFAULT_AUDIENCE = "skiff-local";

    @Spec
    CommandSpec spec;

    @Option(
            names = "--scope",
            paramLabel = "SCOPE",
            description = "a scope the token grants (repeatable): its scope claim")
    List<String> scopes = new ArrayList<>();

    @Option(
            names = "--aud",
            paramLabel = "AUDIENCE",
            description =
                    "an audience the token is for (repeatable; default: " + DEFAULT_AUDIENCE + ", unless --client-id)")
    List<String> audience = new ArrayList<>();

    @Option(
            names = "--client-id",
            paramLabel = "ID",
            description = "a client_id claim; without --aud the token has no aud, as Cognito access tokens have none")
    String clientId;

    @Option(names = "--sub", defaultValue = "local-user", description = "the subject (default: ${DEFAULT-VALUE})")
    String subject;

    @Option(
            names = "--issuer",
            defaultValue = "http://127.0.0.1:3000",
            description = "the iss claim: the URL of the start-api that serves this issuer (default: ${DEFAULT-VALUE})")
    String issuer;

    @Option(
            names = "--expires-in",
            defaultValue = "3600",
            paramLabel = "SECONDS",
            description = "how long the token is valid (default: ${DEFAULT-VALUE})")
    long expiresIn;

    @Option(names = "--expired", description = "a token that expired ten minutes ago")
    boolean expired;

    @Option(
            names = "--not-before",
            paramLabel = "SECONDS",
            description = "a token valid only from SECONDS from now on (nbf)")
    Long notBefore;

    @Option(names = "--claim", paramLabel = "NAME=VALUE", description = "another claim, a string (repeatable)")
    Map<String, String> extraClaims = new LinkedHashMap<>();

    @Option(
            names = "--key-dir",
            paramLabel = "DIR",
            defaultValue = ".skiff/local-issuer",
            description = "the local issuer's key, made on first use; start-api --local-issuer-dir must name the same "
                    + "(default: ${DEFAULT-VALUE})")
    Path keyDirectory;

    @Override
    public Integer call() {
        if (expiresIn <= 0) {
            throw new ParameterException(
                    spec.commandLine(), "--expires-in must be a positive number of seconds, got " + expiresIn);
        }
        Instant now = Instant.now();
        Instant expires = expired ? now.minus(Duration.ofMinutes(10)) : now.plusSeconds(expiresIn);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .issueTime(Date.from(expires.minusSeconds(expiresIn)))
                .expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString());
        List<String> audiences = audience.isEmpty() && clientId == null ? List.of(DEFAULT_AUDIENCE) : audience;
        if (audiences.size() == 1) {
            claims.audience(audiences.get(0));
        } else if (!audiences.isEmpty()) {
            claims.audience(audiences);
        }
        if (clientId != null) {
            claims.claim("client_id", clientId);
        }
        if (!scopes.isEmpty()) {
            claims.claim("scope", String.join(" ", scopes));
        }
        if (notBefore != null) {
            claims.notBeforeTime(Date.from(now.plusSeconds(notBefore)));
        }
        extraClaims.forEach(claims::claim);
        System.out.println(new LocalIssuer(keyDirectory).mint(claims.build()));
        return 0;
    }
}
