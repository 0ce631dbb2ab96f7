package dev.skiff.emulator.auth;

import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.server.HttpReply;
import dev.skiff.emulator.template.Authorizer;
import dev.skiff.emulator.template.HttpRoute;
import dev.skiff.emulator.template.RouteAuth;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Authorizes each HTTP API request by its route, as API Gateway does: AWS_IAM routes by SigV4, JWT
 * routes by their authorizer and scopes, NONE routes not at all. What the mode does with a refusal
 * is the caller's: enforce sends it, warn logs it and serves the request without an identity.
 */
public final class RouteAuthorizer implements AutoCloseable {

    private final AuthMode mode;
    private final SigV4Verifier iam;
    private final JwtVerifier jwt;

    public RouteAuthorizer(AuthMode mode, SigV4Verifier iam, JwtVerifier jwt) {
        this.mode = mode;
        this.iam = iam;
        this.jwt = jwt;
    }

    /**
     * The authorizer for these routes; this machine's access keys are looked up only when a route
     * asks for AWS_IAM and the mode checks anything.
     */
    public static RouteAuthorizer create(
            AuthSettings settings, List<HttpRoute> routes, String region, String accountId, Consumer<String> notes) {
        boolean iamRoutes = routes.stream().anyMatch(r -> r.auth().authorizer() instanceof Authorizer.Iam);
        boolean lookUp = settings.mode() != AuthMode.OFF && iamRoutes;
        List<IamCredential> keys = settings.credentials() != null
                ? settings.credentials()
                : lookUp ? IamCredential.fromMachine(settings.profiles(), notes) : List.of();
        Clock clock = Clock.systemUTC();
        SigV4Verifier iam = new SigV4Verifier(keys, region, accountId, clock);
        return new RouteAuthorizer(settings.mode(), iam, new JwtVerifier(clock));
    }

    public AuthMode mode() {
        return mode;
    }

    public CompletableFuture<AuthOutcome> authorize(HttpCall call, RouteAuth auth) {
        if (mode == AuthMode.OFF) {
            return CompletableFuture.completedFuture(AuthOutcome.ANONYMOUS);
        }
        return switch (auth.authorizer()) {
            case Authorizer.None none -> CompletableFuture.completedFuture(AuthOutcome.ANONYMOUS);
            case Authorizer.Iam signed -> CompletableFuture.completedFuture(iam.verify(call));
            case Authorizer.Jwt token -> jwt.verify(call, token, auth.scopes());
            case Authorizer.NotEmulated other ->
                CompletableFuture.completedFuture(new AuthOutcome.Refused(
                        HttpReply.message(401, "Unauthorized"),
                        other.kind() + " " + other.name() + " is not emulated"));
        };
    }

    /** What the start-up says: the mode, and per kind of authorizer what is checked against what. */
    public List<String> describe(List<HttpRoute> routes) {
        List<String> lines = new ArrayList<>();
        lines.add(
                switch (mode) {
                    case ENFORCE ->
                        "Auth: enforce: requests API Gateway would refuse get its 401 or 403 (--auth warn lets "
                                + "them through with a log line, --auth off checks nothing)";
                    case WARN ->
                        "Auth: warn: requests are checked as API Gateway checks them, and what it would refuse is "
                                + "logged and let through without an identity (--auth enforce refuses it, --auth off checks "
                                + "nothing)";
                    case OFF ->
                        "Auth: off: nothing is checked and no identity reaches the functions (--auth warn or enforce "
                                + "checks IAM and JWT as API Gateway does)";
                });
        if (mode == AuthMode.OFF) {
            return lines;
        }
        long iamRoutes = routes.stream()
                .filter(r -> r.auth().authorizer() instanceof Authorizer.Iam)
                .count();
        if (iamRoutes > 0) {
            List<IamCredential> keys = iam.credentials();
            lines.add("  AWS_IAM on " + iamRoutes + " route(s): SigV4 for " + SigV4Verifier.SERVICE + " checked with "
                    + (keys.isEmpty()
                            ? "no access key (none in the environment or the AWS profile): every signed "
                                    + "request is an unknown key"
                            : keys.stream()
                                    .map(k -> k.masked() + " (" + k.source() + ")")
                                    .toList()));
        }
        Map<Authorizer.Jwt, Set<String>> jwtRoutes = new LinkedHashMap<>();
        for (HttpRoute route : routes) {
            if (route.auth().authorizer() instanceof Authorizer.Jwt authorizer) {
                jwtRoutes
                        .computeIfAbsent(authorizer, a -> new LinkedHashSet<>())
                        .add(route.routeKey());
            }
        }
        jwtRoutes.forEach((authorizer, keys) -> lines.add("  JWT " + authorizer.name() + " on " + keys.size()
                + " route(s): issuer " + (authorizer.issuer().isEmpty() ? "(none)" : authorizer.issuer())
                + ", audience " + authorizer.audience() + ", token from " + authorizer.identitySource()));
        return lines;
    }

    @Override
    public void close() {
        jwt.close();
    }
}
