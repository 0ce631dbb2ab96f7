package dev.skiff.emulator.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A token issuer for development: one RSA key pair, made once and kept in a folder of the project
 * ({@code .skiff/local-issuer} by default, which git ignores), that {@code skiff local token} signs
 * with and whose discovery document and key set the emulator serves on its own port, so a template's
 * JWT authorizer can name it as its issuer with no internet.
 */
public final class LocalIssuer {

    public static final Path DEFAULT_DIRECTORY = Path.of(".skiff", "local-issuer");
    public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    public static final String JWKS_PATH = "/.well-known/jwks.json";
    private static final String KEY_FILE = "signing-key.jwk.json";

    private final Path directory;

    public LocalIssuer(Path directory) {
        this.directory = directory;
    }

    /** The issuer URL of an emulator listening on this address: what a template's JwtIssuer names. */
    public static String url(String host, int port) {
        boolean anyAddress = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        return "http://" + (anyAddress ? "127.0.0.1" : host) + ":" + port;
    }

    public Path keyFile() {
        return directory.resolve(KEY_FILE);
    }

    /** Signs these claims with the local key (RS256, its {@code kid} in the header). */
    public String mint(JWTClaimsSet claims) {
        RSAKey key = key();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(
                    "cannot sign with the local issuer's key " + keyFile() + ": " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** The public half of the key, as the JWKS document serves it. */
    public JWKSet publicKeys() {
        return new JWKSet(key().toPublicJWK());
    }

    /** The OpenID Connect discovery document: the issuer and where its keys are. */
    public static Map<String, Object> discovery(String issuerUrl) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuerUrl);
        document.put("jwks_uri", issuerUrl + JWKS_PATH);
        document.put("response_types_supported", List.of("token"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        return document;
    }

    /**
     * The key, read from its file each time (so a key made anew by {@code skiff local token} is served
     * at once), or made now when there is none.
     */
    public RSAKey key() {
        Path file = keyFile();
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            return RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read or write the local issuer's key " + file + ": " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new IllegalStateException(
                    "the local issuer's key " + file + " is not an RSA JWK (" + e.getMessage()
                            + "); delete the file to make a new key",
                    e);
        }
    }

    /**
     * Writes a new key pair beside the file and links it in place: no process sees half a key, and when
     * two make one at once the first stays (a link never replaces a file).
     */
    private static void create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make an RSA key: " + e.getMessage(), e);
        }
        Path temporary = Files.createTempFile(file.getParent(), "key", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's own permissions apply
            }
            Files.writeString(temporary, key.toJSONString(), StandardCharsets.UTF_8);
            try {
                Files.createLink(file, temporary);
            } catch (UnsupportedOperationException e) {
                Files.move(temporary, file);
            }
        } catch (FileAlreadyExistsException e) {
            // another process made one first: use that
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
