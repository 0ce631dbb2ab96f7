package dev.skiff.emulator.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.server.HttpReply;
import dev.skiff.emulator.template.Authorizer;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Checks a token as an HTTP API's JWT authorizer does, in the order API Gateway documents: the token
 * from the identity source ("Bearer " allowed), an RSA signature by a key of the configured issuer
 * with the token's {@code kid}, then {@code iss}, {@code aud} (or {@code client_id} when there is no
 * {@code aud}), {@code exp}, {@code nbf}, {@code iat}, and the route's scopes. A refusal is 401
 * {@code {"message":"Unauthorized"}} with a {@code www-authenticate} header saying why, or 403
 * {@code {"message":"Forbidden"}} for a token without the route's scopes. Nimbus JOSE+JWT parses,
 * fetches keys and verifies signatures.
 */
public final class JwtVerifier implements AutoCloseable {

    /** API Gateway's quotas on an issuer's discovery and JWKS endpoints: 1500 ms each, 150000 bytes. */
    static final int FETCH_TIMEOUT_MILLIS = 1500;

    static final int MAX_KEY_SET_BYTES = 150_000;
    /** "Only RSA-based algorithms are supported." */
    private static final Set<JWSAlgorithm> ALGORITHMS =
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
    /** The small clock skew allowed on exp, nbf and iat (Nimbus's default). */
    static final long SKEW_SECONDS = DefaultJWTClaimsVerifier.DEFAULT_MAX_CLOCK_SKEW_SECONDS;

    private static final String BEARER = "bearer ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, IssuerKeys> issuers = new ConcurrentHashMap<>();
    private final ResourceRetriever retriever =
            new DefaultResourceRetriever(FETCH_TIMEOUT_MILLIS, FETCH_TIMEOUT_MILLIS, MAX_KEY_SET_BYTES);
    private final ExecutorService fetches = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("skiff-jwks-", 0).factory());
    private final Clock clock;

    public JwtVerifier(Clock clock) {
        this.clock = clock;
    }

    public CompletableFuture<AuthOutcome> verify(HttpCall call, Authorizer.Jwt authorizer, List<String> routeScopes) {
        String token = token(call, authorizer.identitySource());
        if (token == null) {
            HttpReply reply = HttpReply.message(401, "Unauthorized").with("www-authenticate", "Bearer");
            return done(new AuthOutcome.Refused(reply, "no token in " + authorizer.identitySource()));
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return done(
                    invalid(routeScopes, "the token is malformed", "the token is not a signed JWT: " + e.getMessage()));
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(algorithm)) {
            return done(invalid(
                    routeScopes,
                    "signing method " + algorithm + " is invalid",
                    "the token is signed with " + algorithm + "; API Gateway accepts RSA only (RS256, RS384, RS512)"));
        }
        String kid = jwt.getHeader().getKeyID();
        if (kid == null) {
            return done(invalid(
                    routeScopes, "the token has no kid", "the token's header has no kid naming its signing key"));
        }
        IssuerKeys keys = issuers.computeIfAbsent(
                authorizer.issuer(), issuer -> new IssuerKeys(issuer, retriever, fetches, clock));
        return keys.keysFor(jwt.getHeader()).handle((matching, error) -> {
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                return invalid(routeScopes, "the issuer's signing keys could not be retrieved", cause.getMessage());
            }
            return check(jwt, kid, matching, authorizer, routeScopes);
        });
    }

    private AuthOutcome check(
            SignedJWT jwt, String kid, List<JWK> keys, Authorizer.Jwt authorizer, List<String> routeScopes) {
        if (keys.isEmpty()) {
            return invalid(
                    routeScopes,
                    "the token's kid is not a key of the issuer",
                    "kid " + kid + " is not among the signing keys of issuer " + authorizer.issuer());
        }
        if (!signedBy(jwt, keys)) {
            return invalid(
                    routeScopes,
                    "the token signature is invalid",
                    "the signature does not verify with key " + kid + " of issuer " + authorizer.issuer());
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return invalid(
                    routeScopes,
                    "the token is malformed",
                    "the token's claims are not a JSON object: " + e.getMessage());
        }
        if (!authorizer.issuer().equals(claims.getIssuer())) {
            return invalid(
                    routeScopes,
                    "the token does not have a valid issuer",
                    "iss '" + claims.getIssuer() + "' is not the authorizer's issuer '" + authorizer.issuer() + "'");
        }
        List<String> audience = claims.getAudience();
        Object clientId = claims.getClaim("client_id");
        boolean validAudience = audience.isEmpty()
                ? clientId != null && authorizer.audience().contains(String.valueOf(clientId))
                : audience.stream().anyMatch(authorizer.audience()::contains);
        if (!validAudience) {
            return invalid(
                    routeScopes,
                    "the token does not have a valid audience",
                    (audience.isEmpty()
                                    ? "no aud, and client_id " + (clientId == null ? "absent" : "'" + clientId + "'")
                                    : "aud " + audience)
                            + " is not among the authorizer's audience " + authorizer.audience());
        }
        Instant now = clock.instant();
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            return invalid(routeScopes, "the token has no expiration", "the token has no exp claim");
        }
        if (!expires.toInstant().plusSeconds(SKEW_SECONDS).isAfter(now)) {
            return invalid(
                    routeScopes, "the token has expired", "exp " + expires.toInstant() + " is past (now " + now + ")");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null
                && notBefore.toInstant().minusSeconds(SKEW_SECONDS).isAfter(now)) {
            return invalid(
                    routeScopes,
                    "the token is not valid yet",
                    "nbf " + notBefore.toInstant() + " is still to come (now " + now + ")");
        }
        Date issuedAt = claims.getIssueTime();
        if (issuedAt != null && issuedAt.toInstant().minusSeconds(SKEW_SECONDS).isAfter(now)) {
            return invalid(
                    routeScopes,
                    "the token was issued in the future",
                    "iat " + issuedAt.toInstant() + " is after now (" + now + ")");
        }
        List<String> tokenScopes = scopes(claims);
        if (!routeScopes.isEmpty() && routeScopes.stream().noneMatch(tokenScopes::contains)) {
            return new AuthOutcome.Refused(
                    HttpReply.message(403, "Forbidden")
                            .with(
                                    "www-authenticate",
                                    challenge(
                                            routeScopes,
                                            "insufficient_scope",
                                            "the token does not have the route's scopes")),
                    "the token's scopes " + tokenScopes + " include none of the route's " + routeScopes);
        }
        ObjectNode authorizerContext = JSON.createObjectNode();
        ObjectNode jwtContext = authorizerContext.putObject("jwt");
        ObjectNode claimValues = jwtContext.putObject("claims");
        claims.toJSONObject().forEach((name, value) -> claimValues.put(name, claimText(value)));
        if (routeScopes.isEmpty()) {
            jwtContext.putNull("scopes"); // API Gateway sends null when the route asks for no scopes
        } else {
            ArrayNode scopes = jwtContext.putArray("scopes");
            tokenScopes.forEach(scopes::add);
        }
        return new AuthOutcome.Allowed(authorizerContext);
    }

    private static boolean signedBy(SignedJWT jwt, List<JWK> keys) {
        for (JWK key : keys) {
            try {
                if (key instanceof RSAKey rsa && jwt.verify(new RSASSAVerifier(rsa.toRSAPublicKey()))) {
                    return true;
                }
            } catch (JOSEException e) {
                // a key that cannot verify (too short, say) does not sign this token
            }
        }
        return false;
    }

    /** The token's scopes: {@code scope} (space-separated) or {@code scp} (a list or a string). */
    private static List<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope") != null ? claims.getClaim("scope") : claims.getClaim("scp");
        List<String> scopes = new ArrayList<>();
        if (scope instanceof List<?> list) {
            list.forEach(s -> scopes.add(String.valueOf(s)));
        } else if (scope != null) {
            for (String s : String.valueOf(scope).trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    scopes.add(s);
                }
            }
        }
        return scopes;
    }

    /** Claims reach the function as strings: numbers as digits, lists as {@code [a b]}, objects as JSON. */
    private static String claimText(Object value) {
        if (value instanceof List<?> list) {
            return "["
                    + String.join(" ", list.stream().map(JwtVerifier::claimText).toList()) + "]";
        }
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) map;
            return JSONObjectUtils.toJSONString(object);
        }
        return String.valueOf(value);
    }

    /** The token from the identity source, without a "Bearer " prefix; null when there is none. */
    private static String token(HttpCall call, String identitySource) {
        String value;
        if (identitySource.startsWith("$request.querystring.")) {
            value = queryParameter(call.rawQuery(), identitySource.substring("$request.querystring.".length()));
        } else {
            value = call.header(identitySource.substring("$request.header.".length()));
        }
        if (value == null) {
            return null;
        }
        value = value.trim();
        if (value.toLowerCase(Locale.ROOT).startsWith(BEARER) || value.equalsIgnoreCase(BEARER.trim())) {
            value = value.substring(BEARER.trim().length()).trim();
        }
        return value.isEmpty() ? null : value;
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            if (decode(key).equals(name)) {
                return equals < 0 ? "" : decode(pair.substring(equals + 1));
            }
        }
        return null;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // a malformed escape is taken as sent
        }
    }

    private static AuthOutcome invalid(List<String> routeScopes, String description, String reason) {
        return new AuthOutcome.Refused(
                HttpReply.message(401, "Unauthorized")
                        .with("www-authenticate", challenge(routeScopes, "invalid_token", description)),
                reason);
    }

    /** The challenge as API Gateway writes it: {@code Bearer scope="" error="invalid_token" error_description="..."} */
    private static String challenge(List<String> routeScopes, String error, String description) {
        return "Bearer scope=\"" + String.join(" ", routeScopes) + "\" error=\"" + error + "\" error_description=\""
                + description + "\"";
    }

    private static CompletableFuture<AuthOutcome> done(AuthOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    @Override
    public void close() {
        fetches.shutdownNow();
    }
}
