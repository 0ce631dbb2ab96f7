package dev.skiff.emulator.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.emulator.support.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** CORS and throttling as a template declares them: SAM's properties and the OpenAPI extension. */
class HttpApiSettingsTest {

    @TempDir
    Path directory;

    private SamTemplate load(String api, Map<String, String> overrides) {
        String yaml = """
                AWSTemplateFormatVersion: '2010-09-09'
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Origins:
                    Type: CommaDelimitedList
                    Default: ''
                Conditions:
                  CorsOn: !Not [!Equals [!Join [',', !Ref Origins], '']]
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                %s
                """.formatted(api.indent(6).stripTrailing());
        return SamTemplateLoader.load(Templates.write(directory, yaml), overrides, "us-east-1");
    }

    @Test
    void samCorsConfigurationInEitherSpelling() {
        SamTemplate template = load("""
                CorsConfiguration:
                  AllowOrigins: [https://a.example.com]
                  AllowMethods: [POST]
                  AllowHeaders: [content-type]
                  ExposeHeaders: [x-skiff-target]
                  MaxAge: 60
                  AllowCredentials: true
                """, Map.of());
        CorsRules cors = template.apiSettings("Api").cors();
        assertEquals(List.of("https://a.example.com"), cors.allowOrigins());
        assertEquals(List.of("POST"), cors.allowMethods());
        assertEquals(List.of("x-skiff-target"), cors.exposeHeaders());
        assertEquals(60, cors.maxAge());
        assertTrue(cors.allowCredentials());
        assertTrue(cors.allows("https://a.example.com"));
        assertFalse(cors.allows("https://b.example.com"));
        assertFalse(cors.allows(null));
    }

    @Test
    void corsConfigurationTrueAllowsEveryOrigin() {
        CorsRules cors =
                load("CorsConfiguration: true\n", Map.of()).apiSettings("Api").cors();
        assertTrue(cors.allows("http://anything.example"));
    }

    @Test
    void theOpenApiExtensionUnderAConditionThatIsOffMeansNoCors() {
        String api = """
                DefinitionBody:
                  openapi: '3.0.1'
                  x-amazon-apigateway-cors: !If
                    - CorsOn
                    - allowOrigins: !Ref Origins
                      allowMethods: [GET]
                    - !Ref AWS::NoValue
                  paths: {}
                """;
        assertNull(load(api, Map.of()).apiSettings("Api").cors());
        CorsRules on = load(api, Map.of("Origins", "https://x.example,https://y.example"))
                .apiSettings("Api")
                .cors();
        assertEquals(List.of("https://x.example", "https://y.example"), on.allowOrigins());
    }

    @Test
    void routeSettingsOverrideTheStageDefaultAndUnknownSettingsAreNamed() {
        SamTemplate template = load("""
                DefaultRouteSettings:
                  ThrottlingRateLimit: 100
                  ThrottlingBurstLimit: 200
                  DetailedMetricsEnabled: true
                RouteSettings:
                  POST /v2/models/fraud/infer:
                    ThrottlingRateLimit: 5
                    ThrottlingBurstLimit: 10
                """, Map.of());
        HttpApiSettings settings = template.apiSettings("Api");
        assertEquals(new Throttle(100, 200), settings.throttle("GET /v2"));
        assertEquals(new Throttle(5, 10), settings.throttle("POST /v2/models/fraud/infer"));
        assertTrue(
                template.warnings().stream()
                        .anyMatch(w ->
                                w.contains("Api.DefaultRouteSettings: not emulated locally: DetailedMetricsEnabled")),
                template.warnings().toString());
    }

    @Test
    void aThrottleThatIsNotANumberIsRefused() {
        TemplateException error = assertThrows(TemplateException.class, () -> load("""
                DefaultRouteSettings:
                  ThrottlingRateLimit: fast
                  ThrottlingBurstLimit: 2
                """, Map.of()));
        assertTrue(error.getMessage().contains("ThrottlingRateLimit must be a number"), error.getMessage());
    }

    @Test
    void anApiWithoutSettingsIsNeitherThrottledNorCors() {
        HttpApiSettings settings = load("Description: plain\n", Map.of()).apiSettings("Api");
        assertNull(settings.cors());
        assertNull(settings.throttle("POST /x"));
    }
}
