package dev.skiff.emulator.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.emulator.support.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** How routes are authorized, read from the three places a template can say it. */
class RouteAuthTemplateTest {

    private static final Authorizer.Jwt COGNITO = new Authorizer.Jwt(
            "Cognito",
            "$request.header.Authorization",
            "https://cognito-idp.eu-west-1.amazonaws.com/pool",
            List.of("client-a", "client-b"));

    @TempDir
    Path directory;

    private SamTemplate load(String resources) {
        return SamTemplateLoader.load(
                Templates.write(directory, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                %s
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties: {Runtime: java21, Handler: a.B::c, CodeUri: code}
                """.formatted(resources.indent(2).stripTrailing())), Map.of(), "eu-west-1");
    }

    private static RouteAuth auth(SamTemplate template, String routeKey) {
        return template.routes().stream()
                .filter(r -> r.routeKey().equals(routeKey))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no route " + routeKey + " in " + template.routes()))
                .auth();
    }

    @Test
    void openApiSecuritySchemesAndScopesAsTheDeployerRendersThem() {
        SamTemplate template = load("""
                Api:
                  Type: AWS::Serverless::HttpApi
                  Properties:
                    DefinitionBody:
                      openapi: '3.0.1'
                      security: [{jwt: []}]
                      paths:
                        /scored:
                          post:
                            security: [{jwt: [fraud/infer, fraud/admin]}]
                            x-amazon-apigateway-integration: {type: aws_proxy, uri: !GetAtt Fn.Arn}
                        /default:
                          get:
                            x-amazon-apigateway-integration: {type: aws_proxy, uri: !GetAtt Fn.Arn}
                        /signed:
                          get:
                            security: [{sigv4: []}]
                            x-amazon-apigateway-integration: {type: aws_proxy, uri: !GetAtt Fn.Arn}
                        /open:
                          get:
                            security: []
                            x-amazon-apigateway-integration: {type: aws_proxy, uri: !GetAtt Fn.Arn}
                      components:
                        securitySchemes:
                          jwt:
                            type: oauth2
                            x-amazon-apigateway-authorizer:
                              type: jwt
                              identitySource: $request.header.Authorization
                              jwtConfiguration:
                                issuer: https://cognito-idp.eu-west-1.amazonaws.com/pool
                                audience: [client-a, client-b]
                          sigv4: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
                """);
        Authorizer.Jwt jwt = new Authorizer.Jwt("jwt", COGNITO.identitySource(), COGNITO.issuer(), COGNITO.audience());
        assertEquals(new RouteAuth(jwt, List.of("fraud/infer", "fraud/admin")), auth(template, "POST /scored"));
        assertEquals(new RouteAuth(jwt, List.of()), auth(template, "GET /default"), "the body's security applies");
        assertEquals(RouteAuth.IAM, auth(template, "GET /signed"));
        assertEquals(RouteAuth.NONE, auth(template, "GET /open"), "an empty security list opens the route");
    }

    @Test
    void samAuthOnTheApiAndOnEachEvent() {
        SamTemplate template = SamTemplateLoader.load(Templates.write(directory, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      Auth:
                        Authorizers:
                          Cognito:
                            AuthorizationScopes: [models/read]
                            IdentitySource: $request.header.Authorization
                            JwtConfiguration:
                              issuer: https://cognito-idp.eu-west-1.amazonaws.com/pool
                              audience: [client-a, client-b]
                          Custom:
                            FunctionArn: arn:aws:lambda:eu-west-1:1:function:authorizer
                        DefaultAuthorizer: Cognito
                        EnableIamAuthorizer: true
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: a.B::c
                      CodeUri: code
                      Events:
                        ByDefault: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /a, Method: GET}}
                        Scoped:
                          Type: HttpApi
                          Properties:
                            ApiId: !Ref Api
                            Path: /b
                            Method: POST
                            Auth: {Authorizer: Cognito, AuthorizationScopes: [models/write]}
                        Signed:
                          Type: HttpApi
                          Properties: {ApiId: !Ref Api, Path: /c, Method: GET, Auth: {Authorizer: AWS_IAM}}
                        Open:
                          Type: HttpApi
                          Properties: {ApiId: !Ref Api, Path: /d, Method: GET, Auth: {Authorizer: NONE}}
                        Lambda:
                          Type: HttpApi
                          Properties: {ApiId: !Ref Api, Path: /e, Method: GET, Auth: {Authorizer: Custom}}
                """), Map.of(), "eu-west-1");
        assertEquals(
                new RouteAuth(COGNITO, List.of("models/read")), auth(template, "GET /a"), "the authorizer's scopes");
        assertEquals(
                new RouteAuth(COGNITO, List.of("models/write")), auth(template, "POST /b"), "the event's scopes win");
        assertEquals(RouteAuth.IAM, auth(template, "GET /c"));
        assertEquals(RouteAuth.NONE, auth(template, "GET /d"));
        assertEquals(
                new Authorizer.NotEmulated("Custom", "Lambda authorizer"),
                auth(template, "GET /e").authorizer());
        assertTrue(
                template.warnings().stream().anyMatch(w -> w.contains("Lambda authorizer 'Custom' is not emulated")),
                template.warnings().toString());
        assertTrue(
                template.warnings().stream().noneMatch(w -> w.contains("properties not emulated")),
                template.warnings().toString());
    }

    @Test
    void apiGatewayV2RoutesWithTheirAuthorizer() {
        SamTemplate template = load("""
                Api:
                  Type: AWS::ApiGatewayV2::Api
                  Properties: {Name: api, ProtocolType: HTTP}
                Cognito:
                  Type: AWS::ApiGatewayV2::Authorizer
                  Properties:
                    ApiId: !Ref Api
                    AuthorizerType: JWT
                    Name: Cognito
                    IdentitySource: [$request.header.Authorization]
                    JwtConfiguration:
                      Issuer: https://cognito-idp.eu-west-1.amazonaws.com/pool
                      Audience: [client-a, client-b]
                Integration:
                  Type: AWS::ApiGatewayV2::Integration
                  Properties: {ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn}
                Scoped:
                  Type: AWS::ApiGatewayV2::Route
                  Properties:
                    ApiId: !Ref Api
                    RouteKey: POST /scored
                    AuthorizationType: JWT
                    AuthorizerId: !Ref Cognito
                    AuthorizationScopes: [fraud/infer]
                    Target: !Join [/, [integrations, !Ref Integration]]
                Signed:
                  Type: AWS::ApiGatewayV2::Route
                  Properties:
                    ApiId: !Ref Api
                    RouteKey: GET /signed
                    AuthorizationType: AWS_IAM
                    Target: !Join [/, [integrations, !Ref Integration]]
                Open:
                  Type: AWS::ApiGatewayV2::Route
                  Properties:
                    ApiId: !Ref Api
                    RouteKey: GET /open
                    Target: !Join [/, [integrations, !Ref Integration]]
                """);
        assertEquals(new RouteAuth(COGNITO, List.of("fraud/infer")), auth(template, "POST /scored"));
        assertEquals(RouteAuth.IAM, auth(template, "GET /signed"));
        assertEquals(RouteAuth.NONE, auth(template, "GET /open"));
    }

    @Test
    void mistakesNameWhereTheyAre() {
        SamTemplate unknownScheme = load("""
                Api:
                  Type: AWS::Serverless::HttpApi
                  Properties:
                    DefinitionBody:
                      paths:
                        /a:
                          get:
                            security: [{missing: []}]
                            x-amazon-apigateway-integration: {type: aws_proxy, uri: !GetAtt Fn.Arn}
                """);
        assertEquals(
                new Authorizer.NotEmulated("missing", "undeclared security scheme"),
                auth(unknownScheme, "GET /a").authorizer());
        assertTrue(
                unknownScheme
                        .warnings()
                        .contains("Api.DefinitionBody.paths./a.get.security names 'missing', which "
                                + "components.securitySchemes does not declare: API Gateway would not import it; with --auth enforce "
                                + "the route answers 401"),
                unknownScheme.warnings().toString());

        TemplateException unknownAuthorizer = assertThrows(TemplateException.class, () -> load("""
                Api:
                  Type: AWS::Serverless::HttpApi
                  Properties:
                    Auth: {DefaultAuthorizer: Nope}
                """));
        String message = unknownAuthorizer.getMessage();
        assertTrue(message.startsWith("Api.Auth.DefaultAuthorizer names 'Nope', which is neither AWS_IAM"), message);

        SamTemplate noAudience = load("""
                Api:
                  Type: AWS::Serverless::HttpApi
                  Properties:
                    Auth:
                      Authorizers:
                        Jwt: {JwtConfiguration: {issuer: 'https://issuer.example'}}
                      DefaultAuthorizer: Jwt
                """);
        List<String> warnings = noAudience.warnings();
        assertTrue(
                warnings.stream().anyMatch(w -> w.contains("has no audience, so every token is refused")),
                warnings.toString());
    }
}
