package dev.skiff.emulator.httpapi;

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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/** API Gateway HTTP API emulation, with the event checked by a real handler in its own process. */
class HttpApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                  ModelFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: %s
                      CodeUri: java
                      MemorySize: 256
                      AutoPublishAlias: live
                      Events:
                        Infer:
                          Type: HttpApi
                          Properties:
                            ApiId: !Ref Api
                            Path: /v2/models/{model}/infer
                            Method: POST
                        Health:
                          Type: HttpApi
                          Properties:
                            ApiId: !Ref Api
                            Path: /v2/health/live
                            Method: GET
                  GpuIntegration:
                    Type: AWS::ApiGatewayV2::Integration
                    Properties:
                      ApiId: !Ref Api
                      IntegrationType: HTTP_PROXY
                      IntegrationMethod: ANY
                      ConnectionType: VPC_LINK
                      IntegrationUri: arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/gpu/1/2
                      PayloadFormatVersion: '1.0'
                  GpuRoute:
                    Type: AWS::ApiGatewayV2::Route
                    Properties:
                      ApiId: !Ref Api
                      RouteKey: POST /v2/models/resnet/infer
                      Target: !Join [/, [integrations, !Ref GpuIntegration]]
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

    @Test
    void theHandlerReceivesAPayloadFormat20Event() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer?debug=1&tag=a&tag=b"))
                .header("Content-Type", "application/json")
                .header("X-Custom", "first")
                .header("Cookie", "session=abc; theme=dark")
                .POST(HttpRequest.BodyPublishers.ofString("{\"cmd\":\"act:raw\",\"inputs\":[]}")));

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("apigw-requestid").isPresent());
        JsonNode event = JSON.readTree(response.body());
        assertEquals("2.0", event.get("version").asText());
        assertEquals("POST /v2/models/{model}/infer", event.get("routeKey").asText());
        assertEquals("/v2/models/fraud/infer", event.get("rawPath").asText());
        assertEquals("debug=1&tag=a&tag=b", event.get("rawQueryString").asText());
        assertEquals("[\"session=abc\",\"theme=dark\"]", event.get("cookies").toString());
        assertEquals("first", event.get("headers").get("x-custom").asText(), "header names are lower case");
        assertEquals(
                "application/json", event.get("headers").get("content-type").asText());
        assertFalse(event.get("headers").has("cookie"), "cookies travel apart from the headers");
        assertEquals("1", event.get("queryStringParameters").get("debug").asText());
        assertEquals("a,b", event.get("queryStringParameters").get("tag").asText(), "repeated values joined by commas");
        assertEquals("fraud", event.get("pathParameters").get("model").asText());
        assertEquals("{\"cmd\":\"act:raw\",\"inputs\":[]}", event.get("body").asText());
        assertFalse(event.get("isBase64Encoded").asBoolean());

        JsonNode context = event.get("requestContext");
        assertEquals("123456789012", context.get("accountId").asText());
        assertEquals("Api", context.get("apiId").asText());
        assertEquals("POST /v2/models/{model}/infer", context.get("routeKey").asText());
        assertEquals("$default", context.get("stage").asText());
        assertEquals(
                response.headers().firstValue("apigw-requestid").get(),
                context.get("requestId").asText());
        assertTrue(context.get("time").asText().matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000"));
        assertTrue(context.get("timeEpoch").asLong() > 0);
        JsonNode http = context.get("http");
        assertEquals("POST", http.get("method").asText());
        assertEquals("/v2/models/fraud/infer", http.get("path").asText());
        assertEquals("HTTP/1.1", http.get("protocol").asText());
        assertEquals("127.0.0.1", http.get("sourceIp").asText());
        assertTrue(http.get("userAgent").asText().startsWith("Java-http-client"));
    }

    @Test
    void aBinaryBodyArrivesBase64Encoded() throws Exception {
        byte[] bytes = {0, 1, 2, (byte) 0xff, 'b', 'i', 'n'};
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/v2/models/image/infer?cmd=act:raw"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertEquals(200, response.statusCode());
        JsonNode event = JSON.readTree(response.body());
        assertTrue(event.get("isBase64Encoded").asBoolean());
        assertEquals(
                Base64.getEncoder().encodeToString(bytes), event.get("body").asText());
    }

    @Test
    void aStructuredResponseSetsStatusHeadersAndCookies() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"cmd\":\"act:status:418\"}")));
        assertEquals(418, response.statusCode());
        assertEquals("yes", response.headers().firstValue("x-scripted").orElseThrow());
        assertEquals("text/plain", response.headers().firstValue("content-type").orElseThrow());
        assertEquals(
                "session=abc; Path=/",
                response.headers().firstValue("set-cookie").orElseThrow());
        assertEquals("scripted status", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aPlainJsonResponseIsA200() throws Exception {
        HttpResponse<byte[]> response =
                send(HttpRequest.newBuilder(uri("/v2/health/live")).GET());
        assertEquals(200, response.statusCode());
        assertEquals(
                "application/json",
                response.headers().firstValue("content-type").orElseThrow());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("1", body.get("version").asText(), "the route follows the live alias");
        assertEquals(
                "arn:aws:lambda:us-east-1:123456789012:function:ModelFunction:live",
                body.get("invokedArn").asText());
    }

    @Test
    void apiGatewayAnswersItsOwnErrors() throws Exception {
        HttpResponse<byte[]> notFound =
                send(HttpRequest.newBuilder(uri("/v2/nothing/here")).GET());
        assertEquals(404, notFound.statusCode());
        assertEquals("{\"message\":\"Not Found\"}", new String(notFound.body(), StandardCharsets.UTF_8));

        HttpResponse<byte[]> wrongMethod =
                send(HttpRequest.newBuilder(uri("/v2/health/live")).DELETE());
        assertEquals(404, wrongMethod.statusCode());

        HttpResponse<byte[]> failed = send(HttpRequest.newBuilder(uri("/v2/models/fraud/infer"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"cmd\":\"act:throw\"}")));
        assertEquals(500, failed.statusCode());
        assertEquals("{\"message\":\"Internal Server Error\"}", new String(failed.body(), StandardCharsets.UTF_8));
        assertTrue(log.count("function error") >= 1, "the reason is in the log");

        HttpResponse<byte[]> gpu = send(
                HttpRequest.newBuilder(uri("/v2/models/resnet/infer")).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(502, gpu.statusCode());
        JsonNode body = JSON.readTree(gpu.body());
        assertTrue(body.get("error").asText().contains("GPU pool"), body.toString());
        assertTrue(body.get("error").asText().contains("not available locally"), body.toString());
    }

    @Test
    void malformedRequestsDoNotHurtTheServer() throws Exception {
        for (String request : new String[] {
            "POST /v2/models/%ZZ/infer?%%=&=x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc",
            "POST /v2/models/fraud/infer HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nnot json\r\n",
            "GARBAGE\r\n\r\n"
        }) {
            try (Socket socket = new Socket("127.0.0.1", emulator.apiPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                String statusLine = new BufferedReader(
                                new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                        .readLine();
                assertTrue(
                        statusLine != null && statusLine.matches("HTTP/1.1 (200|400|404|500) .*"),
                        request + " -> " + statusLine);
            }
        }
        assertEquals(
                200, send(HttpRequest.newBuilder(uri("/v2/health/live")).GET()).statusCode(), "still serving");
    }
}
