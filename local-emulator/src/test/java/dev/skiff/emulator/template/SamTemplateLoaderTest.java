package dev.skiff.emulator.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.emulator.support.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class SamTemplateLoaderTest {

    @TempDir
    Path directory;

    private SamTemplate load(String yaml, Map<String, String> overrides) {
        return SamTemplateLoader.load(Templates.write(directory, yaml), overrides, "eu-west-1");
    }

    @Test
    void resolvesIntrinsicFunctionsGlobalsAndEvents() {
        SamTemplate template = load("""
                AWSTemplateFormatVersion: '2010-09-09'
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Stage:
                    Type: String
                    Default: dev
                    AllowedValues: [dev, prod]
                  Memory:
                    Type: Number
                    Default: 512
                  Zones:
                    Type: CommaDelimitedList
                    Default: a,b,c
                Mappings:
                  Sizes:
                    prod: {Timeout: 20}
                    dev: {Timeout: 5}
                Conditions:
                  IsProd: !Equals [!Ref Stage, prod]
                  NotProd: !Not [!Condition IsProd]
                Globals:
                  Function:
                    Runtime: java21
                    MemorySize: !Ref Memory
                    Environment:
                      Variables:
                        SHARED: from-globals
                        OVERRIDDEN: globals
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                  Scorer:
                    Type: AWS::Serverless::Function
                    Properties:
                      FunctionName: !Sub "scorer-${Stage}"
                      Handler: example.Handler::handleRequest
                      CodeUri: build/scorer
                      Timeout: !FindInMap [Sizes, !Ref Stage, Timeout]
                      ReservedConcurrentExecutions: !If [IsProd, 100, 2]
                      AutoPublishAlias: live
                      Policies: [AWSLambdaBasicExecutionRole]
                      Environment:
                        Variables:
                          OVERRIDDEN: resource
                          REGION_NAME: !Sub "${AWS::Region}-${AWS::AccountId}"
                          SELF_ARN: !GetAtt Scorer.Arn
                          JOINED: !Join [":", [!Select [1, !Ref Zones], !Select [0, !Split ["/", "x/y"]]]]
                          OPTIONAL: !If [NotProd, "dev-only", !Ref AWS::NoValue]
                      Events:
                        Infer:
                          Type: HttpApi
                          Properties:
                            ApiId: !Ref Api
                            Path: /v2/models/{model}/infer
                            Method: post
                        Everything:
                          Type: HttpApi
                        Queue:
                          Type: SQS
                          Properties:
                            Queue: arn:aws:sqs:eu-west-1:123456789012:q
                  Role:
                    Type: AWS::IAM::Role
                  ProdOnly:
                    Type: AWS::Serverless::Function
                    Condition: IsProd
                    Properties:
                      Handler: x.Y::z
                      CodeUri: nowhere
                """, Map.of());

        assertEquals(1, template.functions().size(), "ProdOnly's condition is false");
        FunctionDefinition scorer = template.functions().get(0);
        assertEquals("scorer-dev", scorer.functionName());
        assertEquals("Scorer", scorer.logicalId());
        assertEquals(512, scorer.memorySize());
        assertEquals(5, scorer.timeoutSeconds());
        assertEquals(2, scorer.reservedConcurrency());
        assertEquals("live", scorer.autoPublishAlias());
        assertEquals(directory.resolve("build/scorer"), scorer.code());
        assertEquals("from-globals", scorer.environment().get("SHARED"));
        assertEquals("resource", scorer.environment().get("OVERRIDDEN"));
        assertEquals("eu-west-1-123456789012", scorer.environment().get("REGION_NAME"));
        assertEquals(
                "arn:aws:lambda:eu-west-1:123456789012:function:scorer-dev",
                scorer.environment().get("SELF_ARN"));
        assertEquals("b:x", scorer.environment().get("JOINED"));
        assertEquals("dev-only", scorer.environment().get("OPTIONAL"));

        assertEquals(2, template.routes().size());
        HttpRoute infer = template.routes().get(0);
        assertEquals("POST /v2/models/{model}/infer", infer.routeKey());
        assertEquals("Api", infer.apiId());
        assertEquals(new RouteTarget.Lambda("scorer-dev", "live"), infer.target());
        assertEquals("$default", template.routes().get(1).routeKey());
        assertEquals(
                SamTemplateLoader.IMPLICIT_HTTP_API, template.routes().get(1).apiId());

        List<String> warnings = template.warnings();
        assertTrue(
                warnings.stream().anyMatch(w -> w.contains("Scorer: properties not emulated locally: Policies")),
                warnings.toString());
        assertTrue(
                warnings.stream().anyMatch(w -> w.contains("Events.Queue: event type SQS is not emulated")),
                warnings.toString());
        assertTrue(
                warnings.stream()
                        .anyMatch(w -> w.contains("not emulated, they exist only on AWS: Role (AWS::IAM::Role)")),
                warnings.toString());
    }

    @Test
    void parameterOverridesWinAndAreChecked() {
        String yaml = """
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}
                Conditions:
                  IsProd: !Equals [!Ref Stage, prod]
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: provided.al2023
                      CodeUri: code
                      Timeout: !If [IsProd, 30, 3]
                """;
        FunctionDefinition fn = load(yaml, Map.of("Stage", "prod")).functions().get(0);
        assertEquals(30, fn.timeoutSeconds());
        assertEquals("bootstrap", fn.handler(), "provided runtimes need no Handler");
        assertNull(fn.reservedConcurrency());

        TemplateException unknown = assertThrows(TemplateException.class, () -> load(yaml, Map.of("Stag", "prod")));
        assertTrue(
                unknown.getMessage().contains("'Stag'") && unknown.getMessage().contains("Stage"),
                unknown.getMessage());
        TemplateException notAllowed = assertThrows(TemplateException.class, () -> load(yaml, Map.of("Stage", "qa")));
        assertTrue(notAllowed.getMessage().contains("AllowedValues"), notAllowed.getMessage());
    }

    @Test
    void badTemplatesAreRejectedWithTheirLocation() {
        assertMessage("Fn.CodeUri must be a local path", """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties: {Runtime: java21, Handler: a.B::c, CodeUri: {Bucket: b, Key: k}}
                """);
        assertMessage("Fn.MemorySize must be between 128 and 10240", """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties: {Runtime: java21, Handler: a.B::c, CodeUri: x, MemorySize: 64}
                """);
        assertMessage("Ref 'Missing' is neither a parameter", """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties: {Runtime: java21, Handler: !Ref Missing, CodeUri: x}
                """);
        assertMessage("is not valid YAML", "Resources: [unclosed");
        assertMessage("unknown top-level section 'Resource'", "Resource: {}");
        assertMessage("declared twice", """
                Resources:
                  A:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: a.B::c
                      CodeUri: x
                      Events:
                        One: {Type: HttpApi, Properties: {Path: /a, Method: GET}}
                        Two: {Type: HttpApi, Properties: {Path: /a, Method: GET}}
                """);
    }

    @Test
    void unsupportedRuntimesAreSkippedAndReported() {
        SamTemplate template = load("""
                Resources:
                  Py:
                    Type: AWS::Serverless::Function
                    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: x}
                """, Map.of());
        assertTrue(template.functions().isEmpty());
        assertTrue(
                template.warnings().get(1).contains("runtime python3.12 is not emulated"),
                template.warnings().toString());
    }

    private void assertMessage(String expected, String yaml) {
        TemplateException e = assertThrows(TemplateException.class, () -> load(yaml, Map.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
