package dev.skiff.emulator.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/** How an issuer's keys are found, kept, fetched again on an unknown kid, and not fetched too often. */
class IssuerKeysTest {

    private static final String ISSUER = "https://issuer.example";

    /** Serves a discovery document and the current key set, counting what was asked. */
    private static final class FakeIssuer implements ResourceRetriever {
        final List<String> fetched = new ArrayList<>();
        volatile JWKSet keys;
        volatile boolean down;

        @Override
        public Resource retrieveResource(URL url) throws IOException {
            fetched.add(url.getPath());
            if (down) {
                throw new IOException("connect timed out");
            }
            String discovery = "{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":\"" + ISSUER + "/keys\"}";
            return new Resource(
                    url.getPath().equals(LocalIssuer.DISCOVERY_PATH) ? discovery : keys.toString(), "application/json");
        }
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static JWSHeader header(RSAKey key) {
        return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build();
    }

    @Test
    void keysAreKeptForTwoHoursAndFetchedAgainForAnUnknownKid() throws Exception {
        RSAKey first = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        RSAKey second = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        FakeIssuer issuer = new FakeIssuer();
        issuer.keys = new JWKSet(first.toPublicJWK());
        MovableClock clock = new MovableClock();
        IssuerKeys keys = new IssuerKeys(ISSUER, issuer, Runnable::run, clock);

        assertEquals(first.getKeyID(), keys.keysFor(header(first)).get().get(0).getKeyID());
        assertEquals(List.of(LocalIssuer.DISCOVERY_PATH, "/keys"), issuer.fetched, "discovery, then the key set");
        clock.now = clock.now.plus(Duration.ofMinutes(119));
        keys.keysFor(header(first)).get();
        assertEquals(2, issuer.fetched.size(), "kept from the cache");

        issuer.keys = new JWKSet(List.of(first.toPublicJWK(), second.toPublicJWK())); // the issuer rotates
        assertEquals(
                second.getKeyID(), keys.keysFor(header(second)).get().get(0).getKeyID());
        assertEquals(
                List.of(LocalIssuer.DISCOVERY_PATH, "/keys", "/keys"),
                issuer.fetched,
                "an unknown kid fetches the set again");

        RSAKey unknown = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        assertTrue(keys.keysFor(header(unknown)).get().isEmpty());
        assertTrue(keys.keysFor(header(unknown)).get().isEmpty());
        assertEquals(3, issuer.fetched.size(), "an unknown kid right after a fetch does not fetch again");

        clock.now = clock.now.plus(IssuerKeys.CACHE_TIME);
        keys.keysFor(header(first)).get();
        assertEquals(4, issuer.fetched.size(), "past two hours the set is fetched again");
    }

    @Test
    void anIssuerThatCannotBeReachedFailsAndIsNotAskedAgainAtOnce() {
        FakeIssuer issuer = new FakeIssuer();
        issuer.down = true;
        MovableClock clock = new MovableClock();
        IssuerKeys keys = new IssuerKeys(ISSUER, issuer, Runnable::run, clock);
        RSAKey key = generate();

        ExecutionException failure = assertThrows(
                ExecutionException.class, () -> keys.keysFor(header(key)).get());
        assertInstanceOf(IssuerKeys.KeysUnavailable.class, failure.getCause());
        String message = failure.getCause().getMessage();
        assertTrue(
                message.contains("cannot fetch the signing keys of issuer https://issuer.example (its discovery "
                        + "document): connect timed out"),
                message);
        assertThrows(ExecutionException.class, () -> keys.keysFor(header(key)).get());
        assertEquals(1, issuer.fetched.size(), "a failure is remembered for a few seconds");

        clock.now = clock.now.plus(IssuerKeys.REFETCH_INTERVAL);
        assertThrows(ExecutionException.class, () -> keys.keysFor(header(key)).get());
        assertEquals(2, issuer.fetched.size());

        IssuerKeys notUrl = new IssuerKeys("cognito pool", issuer, Runnable::run, clock);
        ExecutionException notHttp = assertThrows(
                ExecutionException.class, () -> notUrl.keysFor(header(key)).get());
        assertTrue(notHttp.getCause().getMessage().contains("the issuer 'cognito pool' is not an http(s) URL"));
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("k").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
