package dev.skiff.emulator.gpupool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.support.CollectingLog;
import dev.skiff.emulator.support.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** HTTP_PROXY routes over a VPC link reach a locally started pool server, run from the task definition. */
class GpuPoolRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TEMPLATE = """
            AWSTemplateFormatVersion: '2010-09-09'
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Api:
                Type: AWS::Serverless::HttpApi
                Properties:
                  DefinitionBody:
                    openapi: '3.0.1'
                    info: {title: pool, version: '1'}
                    paths:
                      /v2/models/big/infer:
                        post:
                          security: [{auth: []}]
                          x-amazon-apigateway-integration: {$ref: '#/components/x-amazon-apigateway-integrations/Pool'}
                      /slow:
                        get:
                          x-amazon-apigateway-integration: {$ref: '#/components/x-amazon-apigateway-integrations/SlowPool'}
                    components:
                      x-amazon-apigateway-integrations:
                        Pool: {type: http_proxy, httpMethod: ANY, uri: !Ref Listener, connectionType: VPC_LINK,
                               connectionId: !Ref Link, payloadFormatVersion: '1.0'}
                        SlowPool: {type: http_proxy, httpMethod: ANY, uri: !Ref Listener, connectionType: VPC_LINK,
                                   connectionId: !Ref Link, payloadFormatVersion: '1.0', timeoutInMillis: 300}
              Listener: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: {}}
              Link: {Type: AWS::ApiGatewayV2::VpcLink, Properties: {}}
              Tasks:
                Type: AWS::ECS::TaskDefinition
                Metadata: {SkiffLocalModelRepository: models}
                Properties:
                  ContainerDefinitions:
                    - Name: server
                      Environment: [{Name: SKIFF_MODELS, Value: !Sub 'big'}]
            """;

    @TempDir
    Path directory;

    @Test
    void poolRoutesReachTheLocalServerWithTheRequestAsSent() throws Exception {
        Files.createDirectories(directory.resolve("models"));
        CollectingLog log = new CollectingLog();
        GpuServerCommand fake =
                new GpuServerCommand(System.getProperty("java.class.path"), FakeGpuServer.class.getName());
        Emulator emulator = Emulator.start(Emulator.Options.defaults(Templates.write(directory, TEMPLATE))
                .withPorts(0, -1)
                .withLog(log)
                .withGpuServer(fake));
        LocalGpuPool pool = emulator.gpuPool();
        try {
            HttpResponse<byte[]> response = HTTP.send(
                    HttpRequest.newBuilder(uri(emulator, "/v2/models/big/infer?trace=1"))
                            .header("x-test", "kept")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            JsonNode echo = JSON.readTree(response.body());
            assertEquals("POST", echo.get("method").asText());
            assertEquals("/v2/models/big/infer", echo.get("path").asText());
            assertEquals("trace=1", echo.get("query").asText());
            assertEquals("{\"inputs\":[]}", echo.get("body").asText());
            assertEquals("kept", echo.get("header").asText());
            assertEquals("127.0.0.1", echo.get("forwardedFor").asText());
            assertEquals("big", echo.get("skiffModels").asText(), "the task definition's environment");
            assertEquals("cpu", echo.get("provider").asText());
            assertEquals(
                    directory.resolve("models").toString(),
                    echo.get("repository").asText());
            assertEquals(
                    "gpu-pool", response.headers().firstValue("x-skiff-target").orElseThrow());
            assertNotNull(response.headers().firstValue("apigw-requestid").orElse(null));

            HttpResponse<String> slow = HTTP.send(
                    HttpRequest.newBuilder(uri(emulator, "/slow")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, slow.statusCode(), "past the integration's timeoutInMillis");
            assertTrue(log.count("no response from the GPU pool within the integration timeout of 300 ms") >= 1);

        } finally {
            emulator.close();
        }
        assertThrows(
                Exception.class, () -> pool.address().get(5, TimeUnit.SECONDS), "the server stops with the emulator");
    }

    @Test
    void aPoolServerThatCannotStartGetsA502SayingWhy() throws Exception {
        Files.createDirectories(directory.resolve("models"));
        CollectingLog log = new CollectingLog();
        GpuServerCommand broken = new GpuServerCommand(System.getProperty("java.class.path"), "dev.skiff.NoSuchServer");
        try (Emulator emulator = Emulator.start(Emulator.Options.defaults(Templates.write(directory, TEMPLATE))
                .withPorts(0, -1)
                .withLog(log)
                .withGpuServer(broken))) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(uri(emulator, "/v2/models/big/infer"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(502, response.statusCode());
            String error = JSON.readTree(response.body()).get("error").asText();
            assertTrue(error.contains("exited with code") && error.contains("before it listened"), error);
        }
    }

    private static URI uri(Emulator emulator, String path) {
        return URI.create("http://127.0.0.1:" + emulator.apiPort() + path);
    }
}
