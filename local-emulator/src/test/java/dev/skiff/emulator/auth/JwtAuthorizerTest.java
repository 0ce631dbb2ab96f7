package dev.skiff.emulator.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.support.CollectingLog;
import dev.skiff.emulator.support.Templates;
import dev.skiff.emulator.support.TestFunctionPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A JWT authorizer as the deployer renders it (AuthType=JWT, the issuer a parameter override), trusting
 * the local issuer the emulator serves on its own port; tokens are minted by that issuer and by an
 * unrelated key, and each refusal is checked against API Gateway's status, body and www-authenticate.
 */
class JwtAuthorizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "skiff-local";

    @TempDir
    static Path directory;

    static Emulator enforcing;
    static Emulator warning;
    static CollectingLog log = new CollectingLog();
    static CollectingLog warnLog = new CollectingLog();
    static LocalIssuer issuer;
    static String issuerUrl;

    @BeforeAll
    static void start() throws Exception {
        TestFunctionPackage.javaPackage(directory.resolve("java"), "jwt");
        Path template = Templates.write(directory, """
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  JwtIssuer: {Type: String}
                  JwtAudience: {Type: CommaDelimitedList}
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      DefinitionBody:
                        openapi: '3.0.1'
                        paths:
                          /v2/models/fraud/infer:
                            post:
                              security: [{skiffAuth: [fraud/infer]}]
                              x-amazon-apigateway-integration:
                                type: aws_proxy
                                payloadFormatVersion: '2.0'
                                uri: !GetAtt Model.Arn
                          /v2/health/live:
                            get:
                              security: [{skiffAuth: []}]
                              x-amazon-apigateway-integration:
                                type: aws_proxy
                                payloadFormatVersion: '2.0'
                                uri: !GetAtt Model.Arn
                        components:
                          securitySchemes:
                            skiffAuth:
                              type: oauth2
                              x-amazon-apigateway-authorizer:
                                type: jwt
                                identitySource: $request.header.Authorization
                                jwtConfiguration:
                                  issuer: !Ref JwtIssuer
                                  audience: !Ref JwtAudience
                  Model:
                    Type: AWS::Serverless::Function
                    Properties: {Runtime: java21, Handler: %s, CodeUri: java, MemorySize: 256}
                """.formatted(Templates.HANDLER));
        issuer = new LocalIssuer(directory.resolve("issuer"));
        int port = freePort();
        issuerUrl = LocalIssuer.url("127.0.0.1", port);
        Map<String, String> overrides = Map.of("JwtIssuer", issuerUrl, "JwtAudience", AUDIENCE + ",other-client");
        AuthSettings auth = AuthSettings.defaults()
                .withLocalIssuer(directory.resolve("issuer"))
                .withCredentials(List.of());
        Emulator.Options options = Emulator.Options.defaults(template).withParameterOverrides(overrides);
        enforcing = Emulator.start(options.withPorts(port, -1).withLog(log).withAuth(auth.withMode(AuthMode.ENFORCE)));
        // a second emulator in warn mode, trusting the first one's issuer
        warning = Emulator.start(options.withPorts(0, -1).withLog(warnLog).withAuth(auth.withMode(AuthMode.WARN)));
    }

    @AfterAll
    static void stop() {
        warning.close();
        enforcing.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuerUrl)
                .subject("alice")
                .audience(AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString())
                .claim("scope", "fraud/infer");
    }

    private static HttpResponse<String> infer(Emulator emulator, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + emulator.apiPort() + "/v2/models/fraud/infer"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"cmd\":\"act:raw\"}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(int status, String message, String challenge, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("{\"message\":\"" + message + "\"}", response.body());
        assertEquals(
                challenge, response.headers().firstValue("www-authenticate").orElse(null));
        assertTrue(response.headers().firstValue("apigw-requestid").isPresent());
    }

    private static String invalid(String description) {
        return "Bearer scope=\"fraud/infer\" error=\"invalid_token\" error_description=\"" + description + "\"";
    }

    @Test
    void aValidTokenReachesTheFunctionWithItsClaimsAndScopes() throws Exception {
        String token = issuer.mint(
                claims().claim("cognito:groups", List.of("admins", "users")).build());
        HttpResponse<String> response = infer(enforcing, "Bearer " + token);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode jwt = JSON.readTree(response.body())
                .get("requestContext")
                .get("authorizer")
                .get("jwt");
        JsonNode claims = jwt.get("claims");
        assertEquals("alice", claims.get("sub").asText());
        assertEquals(issuerUrl, claims.get("iss").asText());
        assertEquals(AUDIENCE, claims.get("aud").asText());
        assertTrue(
                claims.get("exp").isTextual() && claims.get("exp").asText().matches("\\d{10}"),
                "claims are strings: " + claims);
        assertEquals("[admins users]", claims.get("cognito:groups").asText());
        assertEquals("[\"fraud/infer\"]", jwt.get("scopes").toString());

        URI health = URI.create("http://127.0.0.1:" + enforcing.apiPort() + "/v2/health/live?cmd=act:raw");
        HttpResponse<String> noScopes = HTTP.send(
                HttpRequest.newBuilder(health).header("Authorization", token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, noScopes.statusCode(), "the token alone, without Bearer, is accepted: " + noScopes.body());
        JsonNode context = JSON.readTree(noScopes.body()).get("requestContext");
        assertTrue(
                context.get("authorizer").get("jwt").get("scopes").isNull(), "a route without scopes gets null scopes");
    }

    @Test
    void clientIdStandsForAnAbsentAudience() throws Exception {
        String token = issuer.mint(claims().audience((String) null)
                .claim("client_id", "other-client")
                .build());
        assertEquals(200, infer(enforcing, "Bearer " + token).statusCode());
        String wrong = issuer.mint(
                claims().audience((String) null).claim("client_id", "stranger").build());
        assertRefused(
                401,
                "Unauthorized",
                invalid("the token does not have a valid audience"),
                infer(enforcing, "Bearer " + wrong));
    }

    @Test
    void eachBadTokenGetsApiGatewaysRefusal() throws Exception {
        Instant now = Instant.now();
        assertRefused(401, "Unauthorized", "Bearer", infer(enforcing, null));
        assertRefused(401, "Unauthorized", "Bearer", infer(enforcing, "Bearer "));
        assertRefused(401, "Unauthorized", invalid("the token is malformed"), infer(enforcing, "Bearer not.a.jwt"));
        assertRefused(
                401,
                "Unauthorized",
                invalid("the token does not have a valid audience"),
                infer(
                        enforcing,
                        "Bearer "
                                + issuer.mint(claims().audience("someone-else").build())));
        assertRefused(
                401,
                "Unauthorized",
                invalid("the token does not have a valid issuer"),
                infer(
                        enforcing,
                        "Bearer "
                                + issuer.mint(claims().issuer("https://issuer.example")
                                        .build())));
        String expired = issuer.mint(claims().issueTime(Date.from(now.minusSeconds(1200)))
                .expirationTime(Date.from(now.minusSeconds(600)))
                .build());
        assertRefused(401, "Unauthorized", invalid("the token has expired"), infer(enforcing, "Bearer " + expired));
        String early = issuer.mint(
                claims().notBeforeTime(Date.from(now.plusSeconds(600))).build());
        assertRefused(401, "Unauthorized", invalid("the token is not valid yet"), infer(enforcing, "Bearer " + early));
        assertRefused(
                403,
                "Forbidden",
                "Bearer scope=\"fraud/infer\" error=\"insufficient_scope\" "
                        + "error_description=\"the token does not have the route's scopes\"",
                infer(
                        enforcing,
                        "Bearer "
                                + issuer.mint(
                                        claims().claim("scope", "minilm/infer").build())));

        // a second, unrelated key: signing as the local issuer's key id, and under its own
        RSAKey local = issuer.key();
        RSAKey unrelated = new RSAKeyGenerator(2048).keyID(local.getKeyID()).generate();
        assertRefused(
                401,
                "Unauthorized",
                invalid("the token signature is invalid"),
                infer(enforcing, "Bearer " + sign(unrelated, JWSAlgorithm.RS256, claims().build())));
        RSAKey stranger = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        assertRefused(
                401,
                "Unauthorized",
                invalid("the token's kid is not a key of the issuer"),
                infer(enforcing, "Bearer " + sign(stranger, JWSAlgorithm.RS256, claims().build())));

        JWSHeader hs256 = new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID(local.getKeyID())
                .build();
        SignedJWT hmac = new SignedJWT(hs256, claims().build());
        hmac.sign(new MACSigner(new byte[32]));
        assertRefused(
                401,
                "Unauthorized",
                invalid("signing method HS256 is invalid"),
                infer(enforcing, "Bearer " + hmac.serialize()));

        assertTrue(
                log.text()
                        .contains("refused with 401 {\"message\":\"Unauthorized\"}: aud [someone-else] is not "
                                + "among"),
                log.text());
    }

    @Test
    void warnModeLetsRefusalsThroughWithoutAnIdentityAndSaysSo() throws Exception {
        HttpResponse<String> anonymous = infer(warning, null);
        assertEquals(200, anonymous.statusCode(), anonymous.body());
        assertTrue(JSON.readTree(anonymous.body()).get("requestContext").get("authorizer") == null);
        assertTrue(
                warnLog.text()
                        .contains("POST /v2/models/fraud/infer: API Gateway would answer 401 "
                                + "{\"message\":\"Unauthorized\"}: no token in $request.header.Authorization (let through without an "
                                + "identity: --auth warn)"),
                warnLog.text());

        HttpResponse<String> valid = infer(warning, "Bearer " + issuer.mint(claims().build()));
        JsonNode claims = JSON.readTree(valid.body())
                .get("requestContext")
                .get("authorizer")
                .get("jwt")
                .get("claims");
        assertEquals("alice", claims.get("sub").asText(), "a valid token still brings its claims");
    }

    @Test
    void theEmulatorServesTheLocalIssuersDiscoveryDocumentAndKeys() throws Exception {
        URI discoveryUri = URI.create(issuerUrl + LocalIssuer.DISCOVERY_PATH);
        JsonNode discovery = JSON.readTree(
                HTTP.send(HttpRequest.newBuilder(discoveryUri).build(), HttpResponse.BodyHandlers.ofString())
                        .body());
        assertEquals(issuerUrl, discovery.get("issuer").asText());
        assertEquals(
                issuerUrl + LocalIssuer.JWKS_PATH, discovery.get("jwks_uri").asText());

        URI jwks = URI.create(discovery.get("jwks_uri").asText());
        JsonNode keys = JSON.readTree(
                        HTTP.send(HttpRequest.newBuilder(jwks).build(), HttpResponse.BodyHandlers.ofString())
                                .body())
                .get("keys");
        assertEquals(1, keys.size());
        assertEquals(issuer.key().getKeyID(), keys.get(0).get("kid").asText());
        assertEquals("RSA", keys.get(0).get("kty").asText());
        assertTrue(keys.get(0).get("d") == null, "only the public key is served");
    }

    private static String sign(RSAKey key, JWSAlgorithm algorithm, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
