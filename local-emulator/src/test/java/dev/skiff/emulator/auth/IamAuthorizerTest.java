package dev.skiff.emulator.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.support.CollectingLog;
import dev.skiff.emulator.support.Templates;
import dev.skiff.emulator.support.TestFunctionPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * AWS_IAM routes as the deployer renders them, with requests signed by the AWS SDK v2's signer (sent
 * by its SdkHttpClient) and by curl's --aws-sigv4 with keys the emulator knows; each bad signature
 * gets API Gateway's 403 body and error type.
 */
class IamAuthorizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final IamCredential KNOWN =
            new IamCredential("AKIDLOCALEXAMPLE1", "local-secret-key", null, "environment");
    private static final IamCredential SESSION =
            new IamCredential("ASIALOCALEXAMPLE2", "session-secret", "the-session-token", "profile dev");
    private static final String BODY = "{\"cmd\":\"act:raw\",\"inputs\":[]}";

    @TempDir
    static Path directory;

    static Emulator emulator;
    static CollectingLog log = new CollectingLog();

    @BeforeAll
    static void start() throws Exception {
        TestFunctionPackage.javaPackage(directory.resolve("java"), "iam");
        Path template = Templates.write(directory, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      DefinitionBody:
                        openapi: '3.0.1'
                        paths:
                          /v2/models/fraud/infer:
                            post:
                              security: [{skiffAuth: []}]
                              x-amazon-apigateway-integration:
                                type: aws_proxy
                                payloadFormatVersion: '2.0'
                                uri: !GetAtt Model.Arn
                        components:
                          securitySchemes:
                            skiffAuth:
                              type: apiKey
                              name: Authorization
                              in: header
                              x-amazon-apigateway-authtype: awsSigv4
                  Model:
                    Type: AWS::Serverless::Function
                    Properties: {Runtime: java21, Handler: %s, CodeUri: java, MemorySize: 256}
                """.formatted(Templates.HANDLER));
        AuthSettings auth = AuthSettings.defaults()
                .withMode(AuthMode.ENFORCE)
                .withLocalIssuer(directory.resolve("issuer"))
                .withCredentials(List.of(KNOWN, SESSION));
        emulator = Emulator.start(Emulator.Options.defaults(template)
                .withPorts(0, -1)
                .withLog(log)
                .withAuth(auth));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static URI uri() {
        return URI.create("http://127.0.0.1:" + emulator.apiPort() + "/v2/models/fraud/infer?debug=1&tag=a%20b");
    }

    /** The request signed as the SDK v2 signs: here and now unless told otherwise. */
    private static SignedRequest sign(AwsCredentialsIdentity keys, String region, String service, Instant when) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri())
                .putHeader("Content-Type", "application/json")
                .build();
        return AwsV4HttpSigner.create()
                .sign(r -> r.identity(keys)
                        .request(request)
                        .payload(ContentStreamProvider.fromUtf8String(BODY))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(when, ZoneOffset.UTC)));
    }

    private static SignedRequest sign(AwsCredentialsIdentity keys) {
        return sign(keys, "us-east-1", "execute-api", Instant.now());
    }

    /** Sends the signed headers with this body (the signed one, or another). */
    private static HttpResponse<String> send(SignedRequest signed, String body) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(signed.request().getUri()).POST(HttpRequest.BodyPublishers.ofString(body));
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertForbidden(String message, String errorType, HttpResponse<String> response)
            throws Exception {
        assertEquals(403, response.statusCode(), response.body());
        assertEquals(message, JSON.readTree(response.body()).get("message").asText());
        assertEquals(
                errorType, response.headers().firstValue("x-amzn-ErrorType").orElse(null));
    }

    @Test
    void aRequestSignedByTheSdkReachesTheFunctionWithTheCallersIdentity() throws Exception {
        SignedRequest signed = sign(AwsCredentialsIdentity.create(KNOWN.accessKeyId(), KNOWN.secretAccessKey()));
        try (SdkHttpClient client = ApacheHttpClient.create()) {
            HttpExecuteResponse response = client.prepareRequest(HttpExecuteRequest.builder()
                            .request(signed.request())
                            .contentStreamProvider(signed.payload().orElseThrow())
                            .build())
                    .call();
            String body = new String(response.responseBody().orElseThrow().readAllBytes(), StandardCharsets.UTF_8);

            assertEquals(200, response.httpResponse().statusCode(), body);
            JsonNode iam =
                    JSON.readTree(body).get("requestContext").get("authorizer").get("iam");
            assertEquals(KNOWN.accessKeyId(), iam.get("accessKey").asText());
            assertEquals("123456789012", iam.get("accountId").asText());
            assertEquals(
                    "arn:aws:iam::123456789012:user/environment",
                    iam.get("userArn").asText());
            assertTrue(iam.get("cognitoIdentity").isNull()
                    && iam.get("principalOrgId").isNull());
        }
    }

    @Test
    void temporaryCredentialsNeedTheirSessionToken() throws Exception {
        SignedRequest signed = sign(AwsSessionCredentialsIdentity.create(
                SESSION.accessKeyId(), SESSION.secretAccessKey(), SESSION.sessionToken()));
        HttpResponse<String> response = send(signed, BODY);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "arn:aws:iam::123456789012:user/profile-dev",
                JSON.readTree(response.body())
                        .get("requestContext")
                        .get("authorizer")
                        .get("iam")
                        .get("userArn")
                        .asText());

        SignedRequest withoutToken =
                sign(AwsCredentialsIdentity.create(SESSION.accessKeyId(), SESSION.secretAccessKey()));
        assertForbidden(SigV4Verifier.INVALID_TOKEN, "UnrecognizedClientException", send(withoutToken, BODY));
    }

    @Test
    void curlsSigv4SigningIsAccepted() throws Exception {
        assumeTrue(curlSignsSigV4(), "curl with --aws-sigv4 (7.75 or newer) is not on the PATH");
        Process curl = new ProcessBuilder(
                        "curl",
                        "-s",
                        "-w",
                        "\n%{http_code}",
                        "--aws-sigv4",
                        "aws:amz:us-east-1:execute-api",
                        "--user",
                        KNOWN.accessKeyId() + ":" + KNOWN.secretAccessKey(),
                        "-H",
                        "Content-Type: application/json",
                        "-d",
                        BODY,
                        uri().toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(curl.waitFor(60, TimeUnit.SECONDS));
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output.endsWith("\n200"), output);
        assertTrue(output.contains("\"accessKey\":\"" + KNOWN.accessKeyId() + "\""), output);
    }

    @Test
    void eachBadSignatureGetsApiGatewaysRefusal() throws Exception {
        AwsCredentialsIdentity keys = AwsCredentialsIdentity.create(KNOWN.accessKeyId(), KNOWN.secretAccessKey());

        String tampered = BODY.replace("[]", "[1]");
        assertForbidden(SigV4Verifier.MISMATCH, "InvalidSignatureException", send(sign(keys), tampered));
        assertForbidden(
                "Credential should be scoped to a valid region, not 'eu-west-1'. ",
                "InvalidSignatureException",
                send(sign(keys, "eu-west-1", "execute-api", Instant.now()), BODY));
        assertForbidden(
                "Credential should be scoped to correct service: 'execute-api'. ",
                "InvalidSignatureException",
                send(sign(keys, "us-east-1", "lambda", Instant.now()), BODY));
        Instant tenMinutesAgo = Instant.now().minus(Duration.ofMinutes(10));
        HttpResponse<String> old = send(sign(keys, "us-east-1", "execute-api", tenMinutesAgo), BODY);
        assertEquals(403, old.statusCode());
        String date = "\\d{8}T\\d{6}Z";
        String expired =
                "Signature expired: " + date + " is now earlier than " + date + " \\(" + date + " - 5 min\\.\\)";
        assertTrue(JSON.readTree(old.body()).get("message").asText().matches(expired), old.body());
        assertForbidden(
                SigV4Verifier.INVALID_TOKEN,
                "UnrecognizedClientException",
                send(sign(AwsCredentialsIdentity.create("AKIDUNKNOWNEXAMPLE", "whatever")), BODY));
        assertForbidden(
                SigV4Verifier.MISMATCH,
                "InvalidSignatureException",
                send(sign(AwsCredentialsIdentity.create(KNOWN.accessKeyId(), "not-the-secret")), BODY));

        HttpResponse<String> unsigned = HTTP.send(
                HttpRequest.newBuilder(uri())
                        .POST(HttpRequest.BodyPublishers.ofString(BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode());
        assertEquals("{\"message\":\"Forbidden\"}", unsigned.body());

        HttpResponse<String> bearer = HTTP.send(
                HttpRequest.newBuilder(uri())
                        .header("Authorization", "Bearer abc")
                        .POST(HttpRequest.BodyPublishers.ofString(BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertForbidden(
                "Authorization header requires 'Credential' parameter. Authorization header requires "
                        + "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization "
                        + "header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
                "IncompleteSignatureException",
                bearer);

        assertTrue(log.text().contains("access key AKIDUNKNOWNEXAMPLE is not one the emulator knows"), log.text());
    }

    private static boolean curlSignsSigV4() {
        try {
            Process version = new ProcessBuilder("curl", "--help", "all")
                    .redirectErrorStream(true)
                    .start();
            String help = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return version.waitFor(10, TimeUnit.SECONDS) && help.contains("--aws-sigv4");
        } catch (Exception e) {
            return false;
        }
    }
}
