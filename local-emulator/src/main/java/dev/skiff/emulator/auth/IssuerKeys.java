package dev.skiff.emulator.auth;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One issuer's signing keys, found as API Gateway finds them: the issuer's OpenID Connect discovery
 * document names its {@code jwks_uri}, whose key set is fetched and kept for two hours. A token
 * signed with a key that is not in the set fetches the set again (key rotation), at most once every
 * few seconds. Fetching runs on the executor: a request's thread (Jetty's selector, here) never waits
 * on the network, and an issuer served by this very emulator can answer meanwhile.
 */
final class IssuerKeys {

    /** How long API Gateway may keep an issuer's keys (HTTP API JWT authorizers: "up to two hours"). */
    static final Duration CACHE_TIME = Duration.ofHours(2);
    /** How often an unknown {@code kid} (or a failed fetch) may fetch again. */
    static final Duration REFETCH_INTERVAL = Duration.ofSeconds(5);

    private record Snapshot(JWKSet keys, Instant fetched) {}

    private final String issuer;
    private final ResourceRetriever retriever;
    private final Executor executor;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private volatile URL jwksUri;
    private CompletableFuture<Snapshot> fetching; // guarded by this
    private Instant lastFailureAt; // guarded by this
    private Throwable lastFailure; // guarded by this

    IssuerKeys(String issuer, ResourceRetriever retriever, Executor executor, Clock clock) {
        this.issuer = issuer;
        this.retriever = retriever;
        this.executor = executor;
        this.clock = clock;
    }

    /**
     * The issuer's keys that match the token's header ({@code kid}, RSA, for signing), possibly none;
     * fails with {@link KeysUnavailable} when the keys cannot be fetched.
     */
    CompletableFuture<List<JWK>> keysFor(JWSHeader header) {
        JWKSelector selector = new JWKSelector(JWKMatcher.forJWSHeader(header));
        Instant now = clock.instant();
        Snapshot current = snapshot;
        if (current != null && current.fetched().plus(CACHE_TIME).isAfter(now)) {
            List<JWK> keys = selector.select(current.keys());
            if (!keys.isEmpty() || current.fetched().plus(REFETCH_INTERVAL).isAfter(now)) {
                return CompletableFuture.completedFuture(keys);
            }
        }
        return fetch(now).thenApply(fetched -> selector.select(fetched.keys()));
    }

    /** One fetch at a time, shared by every request that waits for it. */
    private synchronized CompletableFuture<Snapshot> fetch(Instant now) {
        if (fetching != null) {
            return fetching;
        }
        if (lastFailure != null && lastFailureAt.plus(REFETCH_INTERVAL).isAfter(now)) {
            return CompletableFuture.failedFuture(lastFailure);
        }
        CompletableFuture<Snapshot> started = CompletableFuture.supplyAsync(this::download, executor);
        fetching = started;
        started.whenComplete((fetched, error) -> { // may run at once, on this thread: hence after the assignment
            synchronized (this) {
                fetching = null;
                if (error == null) {
                    snapshot = fetched;
                    lastFailure = null;
                } else {
                    lastFailure =
                            error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    lastFailureAt = clock.instant();
                }
            }
        });
        return started;
    }

    private Snapshot download() {
        try {
            if (jwksUri == null) {
                if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
                    throw new KeysUnavailable("the issuer '" + issuer + "' is not an http(s) URL");
                }
                URL discovery = URI.create(issuer.replaceAll("/+$", "") + LocalIssuer.DISCOVERY_PATH)
                        .toURL();
                String content = retriever.retrieveResource(discovery).getContent();
                Map<String, Object> document = JSONObjectUtils.parse(content);
                String keys = JSONObjectUtils.getString(document, "jwks_uri");
                if (keys == null) {
                    throw new KeysUnavailable(discovery + " names no jwks_uri");
                }
                jwksUri = URI.create(keys).toURL();
            }
            return new Snapshot(JWKSet.parse(retriever.retrieveResource(jwksUri).getContent()), clock.instant());
        } catch (IOException | ParseException | IllegalArgumentException e) {
            throw new KeysUnavailable("cannot fetch the signing keys of issuer " + issuer
                    + (jwksUri == null ? " (its discovery document)" : " from " + jwksUri) + ": " + e.getMessage());
        }
    }

    /** The issuer's keys could not be had: discovery or key set unreachable, too slow, too large or not JSON. */
    static final class KeysUnavailable extends RuntimeException {
        KeysUnavailable(String message) {
            super(message);
        }
    }
}
