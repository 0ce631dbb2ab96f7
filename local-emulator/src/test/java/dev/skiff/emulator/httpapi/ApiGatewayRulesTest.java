package dev.skiff.emulator.httpapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * API Gateway's own rules in front of the integration, through a real function process: the
 * {@code $default} route of an OpenAPI body, JSON for URIs Jetty cannot read, CORS from
 * {@code x-amazon-apigateway-cors}, route throttling from {@code RouteSettings}, and bodies that
 * must reach the function byte for byte.
 */
class ApiGatewayRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ORIGIN = "https://app.example.com";

    @TempDir
    static Path directory;

    static Emulator emulator;
    static CollectingLog log = new CollectingLog();

    @BeforeAll
    static void start() throws Exception {
        TestFunctionPackage.javaPackage(directory.resolve("java"), "one");
        Path template = Templates.write(directory, """
                AWSTemplateFormatVersion: '2010-09-09'
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  CorsAllowOrigins:
                    Type: CommaDelimitedList
                    Default: 'https://app.example.com,https://*'
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      DefaultRouteSettings:
                        ThrottlingRateLimit: 1000
                        ThrottlingBurstLimit: 2000
                      RouteSettings:
                        POST /v2/models/limited/infer:
                          ThrottlingRateLimit: 1
                          ThrottlingBurstLimit: 2
                      DefinitionBody:
                        openapi: '3.0.1'
                        info: {title: rules, version: '1'}
                        x-amazon-apigateway-cors:
                          allowOrigins: !Ref CorsAllowOrigins
                          allowMethods: [GET, POST, OPTIONS]
                          allowHeaders: [authorization, content-type]
                          exposeHeaders: [x-skiff-model]
                          maxAge: 600
                        paths:
                          /v2/models/{model}/infer:
                            post:
                              x-amazon-apigateway-integration: {$ref: '#/components/x-amazon-apigateway-integrations/Fn'}
                          /v2/models/limited/infer:
                            post:
                              x-amazon-apigateway-integration: {$ref: '#/components/x-amazon-apigateway-integrations/Fn'}
                          /$default:
                            x-amazon-apigateway-any-method:
                              isDefaultRoute: true
                              x-amazon-apigateway-integration: {$ref: '#/components/x-amazon-apigateway-integrations/Fn'}
                        components:
                          x-amazon-apigateway-integrations:
                            Fn:
                              type: aws_proxy
                              httpMethod: POST
                              uri: !Sub 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ModelFunction.Alias}/invocations'
                              payloadFormatVersion: '2.0'
                  ModelFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: %s
                      CodeUri: java
                      MemorySize: 256
                      AutoPublishAlias: live
                """.formatted(Templates.HANDLER));
        emulator = Emulator.start(
                Emulator.Options.defaults(template).withPorts(0, -1).withLog(log));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + emulator.apiPort() + pathAndQuery);
    }

    private static JsonNode event(HttpResponse<byte[]> response) throws Exception {
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return JSON.readTree(response.body());
    }

    @Test
    void pathsNoRouteTakesGoToTheDefaultRoute() throws Exception {
        JsonNode wrongMethod = event(send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer?cmd=act:raw"))
                .GET()));
        assertEquals("$default", wrongMethod.get("routeKey").asText(), "GET on an infer route");
        assertEquals(
                "GET",
                wrongMethod.get("requestContext").get("http").get("method").asText());

        JsonNode unknown = event(send(HttpRequest.newBuilder(uri("/v2/models/nope/versions/1/metadata?cmd=act:raw"))
                .GET()));
        assertEquals("$default", unknown.get("routeKey").asText());
        assertEquals(
                "/v2/models/nope/versions/1/metadata", unknown.get("rawPath").asText());
    }

    @Test
    void anEncodedSlashIsDecodedAsApiGatewayDoesAndNeverGetsJettysPage() throws Exception {
        JsonNode event = event(send(HttpRequest.newBuilder(uri("/v2/models/a%2Fb/infer?cmd=act:raw"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))));
        assertEquals("$default", event.get("routeKey").asText(), "a/b is not one {model} segment");
        assertEquals("/v2/models/a/b/infer", event.get("rawPath").asText(), "HTTP APIs decode rawPath");

        JsonNode spaced = event(send(HttpRequest.newBuilder(uri("/v2/models/my%20model/infer?cmd=act:raw"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))));
        assertEquals("my model", spaced.get("pathParameters").get("model").asText());
        assertEquals("/v2/models/my model/infer", spaced.get("rawPath").asText());
    }

    @Test
    void aUriJettyCannotReadIsAnsweredWithJson() throws Exception {
        String response =
                rawRequest("GET /v2/models/%zz/infer HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 400"), response);
        assertTrue(response.toLowerCase().contains("content-type: application/json"), response);
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        JsonNode error = JSON.readTree(body);
        assertTrue(error.get("error").asText().startsWith("the request cannot be read"), body);
        assertFalse(body.contains("<html"), body);
    }

    @Test
    void aPreflightFromAnAllowedOriginGetsTheConfiguredHeaders() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));
        assertEquals(204, response.statusCode(), "no OPTIONS route is needed");
        assertEquals(
                ORIGIN,
                response.headers().firstValue("access-control-allow-origin").orElse(null));
        assertEquals(
                "GET,POST,OPTIONS",
                response.headers().firstValue("access-control-allow-methods").orElse(null));
        assertEquals(
                "authorization,content-type",
                response.headers().firstValue("access-control-allow-headers").orElse(null));
        assertEquals(
                "600", response.headers().firstValue("access-control-max-age").orElse(null));

        HttpResponse<byte[]> wildcard = send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://other.example.org")
                .header("Access-Control-Request-Method", "POST"));
        assertEquals(
                "https://other.example.org",
                wildcard.headers().firstValue("access-control-allow-origin").orElse(null),
                "https://* admits any https origin");
    }

    @Test
    void anOriginNotAllowedGetsNoCorsHeaders() throws Exception {
        HttpResponse<byte[]> preflight = send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://evil.example.net")
                .header("Access-Control-Request-Method", "POST"));
        assertEquals(204, preflight.statusCode());
        assertTrue(preflight.headers().firstValue("access-control-allow-origin").isEmpty());

        HttpResponse<byte[]> request = send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer?cmd=act:status:201"))
                .header("Origin", "http://evil.example.net")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(201, request.statusCode());
        assertTrue(request.headers().firstValue("access-control-allow-origin").isEmpty());
    }

    @Test
    void aRequestFromAnAllowedOriginGetsTheConfiguredHeadersOnTheFunctionsResponse() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer?cmd=act:status:201"))
                .header("Origin", ORIGIN)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(201, response.statusCode());
        assertEquals("yes", response.headers().firstValue("x-scripted").orElse(null));
        assertEquals(
                ORIGIN,
                response.headers().firstValue("access-control-allow-origin").orElse(null));
        assertEquals(
                "x-skiff-model",
                response.headers().firstValue("access-control-expose-headers").orElse(null));

        HttpResponse<byte[]> unrouted = send(HttpRequest.newBuilder(uri("/elsewhere?cmd=act:status:404"))
                .header("Origin", ORIGIN)
                .GET());
        assertEquals(404, unrouted.statusCode());
        assertEquals(
                ORIGIN,
                unrouted.headers().firstValue("access-control-allow-origin").orElse(null));
    }

    @Test
    void aRouteAboveItsRateGets429sOnceItsBurstIsSpent() throws Exception {
        int accepted = 0;
        int throttled = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<byte[]> response =
                    send(HttpRequest.newBuilder(uri("/v2/models/limited/infer?cmd=act:status:200"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}")));
            if (response.statusCode() == 429) {
                throttled++;
                assertEquals(
                        "{\"message\":\"Too Many Requests\"}", new String(response.body(), StandardCharsets.UTF_8));
            } else {
                assertEquals(200, response.statusCode());
                accepted++;
            }
        }
        // burst 2, then 1 a second: six quick requests get 2 (or 3, should a second pass) through
        assertTrue(accepted >= 2 && accepted <= 3, accepted + " accepted");
        assertEquals(6 - accepted, throttled);
        assertTrue(log.text().contains("POST /v2/models/limited/infer: throttled"), log.text());
    }

    @Test
    void aGzipBodyReachesTheFunctionBase64EncodedWhateverItsContentType() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write("{\"inputs\":[]}".getBytes(StandardCharsets.UTF_8));
        }
        JsonNode event = event(send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer?cmd=act:raw"))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray()))));
        assertTrue(event.get("isBase64Encoded").asBoolean());
        assertArrayEquals(
                zipped.toByteArray(),
                Base64.getDecoder().decode(event.get("body").asText()));

        byte[] notUtf8 = {'{', (byte) 0xff, (byte) 0xfe, '}'};
        JsonNode binary = event(send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer?cmd=act:raw"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(notUtf8))));
        assertTrue(binary.get("isBase64Encoded").asBoolean(), "bytes that are not UTF-8 are not sent as text");
        assertArrayEquals(notUtf8, Base64.getDecoder().decode(binary.get("body").asText()));
    }

    private static String rawRequest(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", emulator.apiPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
