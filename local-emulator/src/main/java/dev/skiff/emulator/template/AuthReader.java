package dev.skiff.emulator.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads how HTTP API routes are authorized, from the three places a template says it: an OpenAPI
 * body's {@code securitySchemes} and {@code security} (what the deployer renders), SAM's {@code Auth}
 * on an {@code AWS::Serverless::HttpApi} and on its events, and an {@code AWS::ApiGatewayV2::Route}'s
 * {@code AuthorizationType} with its {@code AWS::ApiGatewayV2::Authorizer}. Values arrive resolved.
 */
final class AuthReader {

    static final String DEFAULT_IDENTITY_SOURCE = "$request.header.Authorization";
    private static final String IAM = "AWS_IAM";

    /** What an {@code AWS::Serverless::HttpApi}'s Auth declares: its authorizers and the routes' default. */
    record ApiAuth(
            Map<String, Authorizer> authorizers, Map<String, List<String>> defaultScopes, RouteAuth defaultAuth) {
        static final ApiAuth NONE = new ApiAuth(Map.of(), Map.of(), RouteAuth.NONE);
    }

    private final List<String> warnings;

    AuthReader(List<String> warnings) {
        this.warnings = warnings;
    }

    /** SAM's {@code Auth} of an HttpApi: {@code Authorizers}, {@code DefaultAuthorizer}, {@code EnableIamAuthorizer} */
    ApiAuth samApiAuth(Object auth, String where) {
        if (!(auth instanceof Map<?, ?> properties)) {
            return ApiAuth.NONE;
        }
        Map<String, Authorizer> authorizers = new LinkedHashMap<>();
        Map<String, List<String>> defaultScopes = new LinkedHashMap<>();
        if (get(properties, "Authorizers") instanceof Map<?, ?> declared) {
            declared.forEach((name, value) -> {
                String authorizerName = String.valueOf(name);
                Map<?, ?> authorizer = value instanceof Map<?, ?> m ? m : Map.of();
                if (get(authorizer, "JwtConfiguration") instanceof Map<?, ?> jwt) {
                    authorizers.put(
                            authorizerName,
                            jwt(
                                    authorizerName,
                                    get(authorizer, "IdentitySource"),
                                    jwt,
                                    where + ".Auth.Authorizers." + authorizerName));
                    defaultScopes.put(authorizerName, strings(get(authorizer, "AuthorizationScopes")));
                } else {
                    authorizers.put(authorizerName, notEmulated(authorizerName, "Lambda authorizer", where));
                }
            });
        }
        RouteAuth defaultAuth = RouteAuth.NONE;
        Object defaultName = get(properties, "DefaultAuthorizer");
        if (defaultName != null) {
            defaultAuth = named(
                    String.valueOf(defaultName), null, authorizers, defaultScopes, where + ".Auth.DefaultAuthorizer");
        }
        return new ApiAuth(Map.copyOf(authorizers), Map.copyOf(defaultScopes), defaultAuth);
    }

    /** An HttpApi event's {@code Auth} ({@code Authorizer}, {@code AuthorizationScopes}), or its API's default. */
    RouteAuth eventAuth(Object auth, ApiAuth api, String where) {
        if (!(auth instanceof Map<?, ?> properties) || get(properties, "Authorizer") == null) {
            return api.defaultAuth();
        }
        Object scopes = get(properties, "AuthorizationScopes");
        return named(
                String.valueOf(get(properties, "Authorizer")),
                scopes == null ? null : strings(scopes),
                api.authorizers(),
                api.defaultScopes(),
                where + ".Auth.Authorizer");
    }

    /** The authorizers an OpenAPI body declares, with SAM's Authorizers (which SAM writes into the body). */
    Map<String, Authorizer> securitySchemes(Map<?, ?> components, ApiAuth api, String where) {
        Map<String, Authorizer> schemes = new LinkedHashMap<>(api.authorizers());
        if (components.get("securitySchemes") instanceof Map<?, ?> declared) {
            declared.forEach((name, value) -> {
                String schemeName = String.valueOf(name);
                Map<?, ?> scheme = value instanceof Map<?, ?> m ? m : Map.of();
                String at = where + ".components.securitySchemes." + schemeName;
                schemes.put(schemeName, scheme(schemeName, scheme, at));
            });
        }
        return schemes;
    }

    private Authorizer scheme(String name, Map<?, ?> scheme, String where) {
        if ("awsSigv4".equalsIgnoreCase(String.valueOf(scheme.get("x-amazon-apigateway-authtype")))) {
            return new Authorizer.Iam();
        }
        if (scheme.get("x-amazon-apigateway-authorizer") instanceof Map<?, ?> authorizer) {
            String type = String.valueOf(authorizer.get("type")).toLowerCase(Locale.ROOT);
            if (type.equals("jwt") && authorizer.get("jwtConfiguration") instanceof Map<?, ?> jwt) {
                return jwt(name, authorizer.get("identitySource"), jwt, where);
            }
            return notEmulated(name, type.equals("request") ? "Lambda authorizer" : type + " authorizer", where);
        }
        return notEmulated(name, "security scheme of type " + scheme.get("type"), where);
    }

    /**
     * An operation's {@code security} (or the body's, when the operation has none; or the API's default
     * when neither has): its first requirement names the scheme and lists the route's scopes.
     */
    RouteAuth operationAuth(Object security, Map<String, Authorizer> schemes, RouteAuth fallback, String where) {
        if (!(security instanceof List<?> requirements)) {
            return fallback;
        }
        if (requirements.isEmpty()
                || !(requirements.get(0) instanceof Map<?, ?> requirement)
                || requirement.isEmpty()) {
            return RouteAuth.NONE;
        }
        if (requirements.size() > 1 || requirement.size() > 1) {
            warnings.add(where + ": API Gateway applies one authorizer to a route; the emulator uses the first of "
                    + requirements);
        }
        Map.Entry<?, ?> first = requirement.entrySet().iterator().next();
        String name = String.valueOf(first.getKey());
        Authorizer authorizer = schemes.get(name);
        if (authorizer == null) { // API Gateway refuses to import the body; locally, a route no one may call
            warnings.add(where + ".security names '" + name + "', which components.securitySchemes does not declare"
                    + (schemes.isEmpty() ? "" : " (declared: " + String.join(", ", schemes.keySet()) + ")")
                    + ": API Gateway would not import it; with --auth enforce the route answers 401");
            authorizer = new Authorizer.NotEmulated(name, "undeclared security scheme");
        }
        return new RouteAuth(authorizer, strings(first.getValue()));
    }

    /** An {@code AWS::ApiGatewayV2::Route}'s AuthorizationType, AuthorizerId and AuthorizationScopes. */
    RouteAuth apiGatewayRouteAuth(Map<String, Object> route, Map<String, Object> authorizerResource, String where) {
        String type =
                String.valueOf(route.getOrDefault("AuthorizationType", "NONE")).toUpperCase(Locale.ROOT);
        List<String> scopes = strings(route.get("AuthorizationScopes"));
        return switch (type) {
            case "NONE" -> RouteAuth.NONE;
            case IAM -> RouteAuth.IAM;
            case "JWT", "CUSTOM" -> {
                if (authorizerResource == null) {
                    throw new TemplateException(where + ": AuthorizationType " + type + " needs AuthorizerId, the "
                            + "AWS::ApiGatewayV2::Authorizer of this template it uses");
                }
                String name = String.valueOf(authorizerResource.getOrDefault("Name", route.get("AuthorizerId")));
                if (type.equals("JWT") && get(authorizerResource, "JwtConfiguration") instanceof Map<?, ?> jwt) {
                    Object sources = authorizerResource.get("IdentitySource");
                    Object source = sources instanceof List<?> list && !list.isEmpty() ? list.get(0) : sources;
                    yield new RouteAuth(jwt(name, source, jwt, where), scopes);
                }
                yield new RouteAuth(notEmulated(name, "Lambda authorizer", where), scopes);
            }
            default ->
                throw new TemplateException(
                        where + ".AuthorizationType must be NONE, AWS_IAM, JWT or CUSTOM, " + "got " + type);
        };
    }

    private RouteAuth named(
            String name,
            List<String> scopes,
            Map<String, Authorizer> authorizers,
            Map<String, List<String>> defaultScopes,
            String where) {
        if (name.equalsIgnoreCase("NONE")) {
            return RouteAuth.NONE;
        }
        if (name.equals(IAM)) {
            return RouteAuth.IAM;
        }
        Authorizer authorizer = authorizers.get(name);
        if (authorizer == null) {
            throw new TemplateException(where + " names '" + name + "', which is neither AWS_IAM, NONE nor one of the "
                    + "API's Auth.Authorizers"
                    + (authorizers.isEmpty() ? "" : " (" + String.join(", ", authorizers.keySet()) + ")"));
        }
        return new RouteAuth(authorizer, scopes != null ? scopes : defaultScopes.getOrDefault(name, List.of()));
    }

    private Authorizer.Jwt jwt(String name, Object identitySource, Map<?, ?> configuration, String where) {
        String source = identitySource == null
                ? DEFAULT_IDENTITY_SOURCE
                : String.valueOf(identitySource).split(",")[0].trim();
        if (!source.startsWith("$request.header.") && !source.startsWith("$request.querystring.")) {
            throw new TemplateException(where + ": identity source '" + source + "' is not emulated (a JWT authorizer "
                    + "reads $request.header.NAME or $request.querystring.NAME)");
        }
        Object issuer = get(configuration, "issuer");
        List<String> audience = strings(get(configuration, "audience")).stream()
                .filter(a -> !a.isBlank())
                .toList();
        if (issuer == null || String.valueOf(issuer).isBlank()) {
            warnings.add(where + ": the JWT authorizer has no issuer, so every token is refused");
        }
        if (audience.isEmpty()) {
            warnings.add(where + ": the JWT authorizer has no audience, so every token is refused");
        }
        return new Authorizer.Jwt(name, source, issuer == null ? "" : String.valueOf(issuer), audience);
    }

    private Authorizer notEmulated(String name, String kind, String where) {
        warnings.add(where + ": " + kind + " '" + name + "' is not emulated: with --auth enforce its routes answer "
                + "401");
        return new Authorizer.NotEmulated(name, kind);
    }

    /** A key looked up without regard to case: SAM writes {@code issuer}, CloudFormation {@code Issuer}. */
    private static Object get(Map<?, ?> map, String key) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (String.valueOf(entry.getKey()).equalsIgnoreCase(key)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static List<String> strings(Object value) {
        List<String> values = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> values.add(String.valueOf(v)));
        } else if (value != null) {
            values.add(String.valueOf(value));
        }
        return values;
    }
}
