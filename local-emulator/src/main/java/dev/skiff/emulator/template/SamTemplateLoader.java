package dev.skiff.emulator.template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a SAM template into a {@link SamTemplate}: Parameters (defaults and overrides), Conditions,
 * Mappings, Globals, {@code AWS::Serverless::Function}, {@code AWS::Lambda::Alias}, {@code
 * AWS::Serverless::HttpApi} with its HttpApi events or OpenAPI body, {@code AWS::ApiGatewayV2::Route}/
 * {@code Integration} pairs, and the {@code AWS::ECS::TaskDefinition} of a GPU pool. Everything else
 * is listed in the warnings by name.
 */
public final class SamTemplateLoader {

    /** The account of every ARN and of AWS::AccountId: $AWS_ACCOUNT_ID (12 digits), else 123456789012. */
    public static final String ACCOUNT_ID = accountId(System.getenv("AWS_ACCOUNT_ID"));

    public static final String IMPLICIT_HTTP_API = "ServerlessHttpApi";

    static String accountId(String fromEnvironment) {
        return fromEnvironment != null && fromEnvironment.matches("\\d{12}") ? fromEnvironment : "123456789012";
    }

    private static final Set<String> SECTIONS = Set.of(
            "AWSTemplateFormatVersion",
            "Transform",
            "Description",
            "Metadata",
            "Parameters",
            "Mappings",
            "Conditions",
            "Globals",
            "Resources",
            "Outputs",
            "Rules");
    private static final Set<String> FUNCTION_PROPERTIES = Set.of(
            "Runtime",
            "Handler",
            "CodeUri",
            "MemorySize",
            "Timeout",
            "Environment",
            "ReservedConcurrentExecutions",
            "AutoPublishAlias",
            "Architectures",
            "Description",
            "FunctionName",
            "Events",
            "PackageType");
    private static final Set<String> HTTP_API_PROPERTIES = Set.of(
            "DefinitionBody",
            "StageName",
            "Description",
            "FailOnWarnings",
            "Name",
            "Auth",
            "CorsConfiguration",
            "DefaultRouteSettings",
            "RouteSettings");
    private static final Set<String> HTTP_API_EVENT_PROPERTIES =
            Set.of("ApiId", "Path", "Method", "PayloadFormatVersion", "TimeoutInMillis", "Auth");
    private static final Set<String> RUNTIMES =
            Set.of("java11", "java17", "java21", "java25", "provided", "provided.al2", "provided.al2023");
    private static final Pattern FUNCTION_IN_ARN = Pattern.compile("function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?");

    private final Path file;
    private final Map<String, String> parameterOverrides;
    private final String region;
    private final List<String> warnings = new ArrayList<>();
    private final AuthReader auth = new AuthReader(warnings);
    private final HttpApiSettingsReader apiSettingsReader = new HttpApiSettingsReader(warnings);
    /** Each HttpApi's CORS and throttling, by its logical id. */
    private final Map<String, HttpApiSettings> apiSettings = new LinkedHashMap<>();
    /** Each HttpApi's SAM Auth, read before the functions whose events use it. */
    private final Map<String, AuthReader.ApiAuth> apiAuth = new LinkedHashMap<>();

    private Map<String, Object> resources;
    private Map<String, Object> functionGlobals = Map.of();
    private IntrinsicResolver resolver;
    private GpuPoolDefinition gpuPool;

    private SamTemplateLoader(Path file, Map<String, String> parameterOverrides, String region) {
        this.file = file.toAbsolutePath().normalize();
        this.parameterOverrides = parameterOverrides;
        this.region = region;
    }

    public static SamTemplate load(Path file, Map<String, String> parameterOverrides, String region) {
        return new SamTemplateLoader(file, parameterOverrides, region).load();
    }

    private SamTemplate load() {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new TemplateException("cannot read template " + file + ": " + e.getMessage());
        }
        Map<String, Object> root = map(CloudFormationYaml.parse(text, file.toString()), "the template");
        for (String section : root.keySet()) {
            if (!SECTIONS.contains(section)) {
                throw new TemplateException("unknown top-level section '" + section + "' (CloudFormation accepts "
                        + new TreeSet<>(SECTIONS) + ")");
            }
        }
        if (!String.valueOf(root.get("Transform")).contains("AWS::Serverless-2016-10-31")) {
            warnings.add("Transform: AWS::Serverless-2016-10-31 is missing; SAM resources would not deploy without it");
        }
        resources = map(root.getOrDefault("Resources", Map.of()), "Resources");
        if (resources.isEmpty()) {
            throw new TemplateException("the template has no Resources");
        }
        resolver = new IntrinsicResolver(
                parameters(map(root.getOrDefault("Parameters", Map.of()), "Parameters")),
                pseudoParameters(),
                map(root.getOrDefault("Mappings", Map.of()), "Mappings"),
                map(root.getOrDefault("Conditions", Map.of()), "Conditions"),
                new LocalResourceValues(),
                warnings);
        Map<String, Object> globals = map(root.getOrDefault("Globals", Map.of()), "Globals");
        for (String section : globals.keySet()) {
            if (!section.equals("Function")) {
                warnings.add("Globals." + section + " is not emulated");
            }
        }
        functionGlobals = map(globals.getOrDefault("Function", Map.of()), "Globals.Function");

        readApiAuth();
        List<FunctionDefinition> functions = new ArrayList<>();
        List<AliasDefinition> aliases = new ArrayList<>();
        List<String> awsOnly = new ArrayList<>();
        List<HttpRoute> routes = new ArrayList<>();
        Map<String, Map<String, Object>> apiRoutes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : resources.entrySet()) {
            String id = entry.getKey();
            Map<String, Object> resource = map(entry.getValue(), "Resources." + id);
            if (!included(id, resource)) {
                continue;
            }
            String type = String.valueOf(resource.get("Type"));
            Map<String, Object> properties = map(resource.getOrDefault("Properties", Map.of()), id + ".Properties");
            switch (type) {
                case "AWS::Serverless::Function" -> {
                    Map<String, Object> merged = mergeGlobals(functionGlobals, properties);
                    FunctionDefinition function = function(id, merged);
                    if (function != null) {
                        functions.add(function);
                        routes.addAll(eventRoutes(function, merged));
                    }
                }
                case "AWS::Serverless::HttpApi" -> routes.addAll(httpApiRoutes(id, properties));
                case "AWS::ApiGatewayV2::Route" -> apiRoutes.put(id, properties);
                // read through the routes that use them
                case "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Authorizer" -> {}
                case "AWS::Lambda::Alias" -> aliases.add(alias(id, properties));
                case "AWS::ECS::TaskDefinition" -> {
                    if (!gpuPool(id, resource, properties)) awsOnly.add(id + " (" + type + ")");
                }
                default -> awsOnly.add(id + " (" + type + ")");
            }
        }
        apiRoutes.forEach((id, properties) -> routes.addAll(apiGatewayRoute(id, properties)));
        checkRouteTargets(functions, routes);
        if (!awsOnly.isEmpty()) {
            warnings.add("not emulated, they exist only on AWS: " + String.join(", ", awsOnly));
        }
        return new SamTemplate(
                file,
                List.copyOf(functions),
                List.copyOf(aliases),
                List.copyOf(routes),
                gpuPool,
                List.copyOf(warnings),
                Map.copyOf(apiSettings));
    }

    private void readApiAuth() {
        for (Map.Entry<String, Object> entry : resources.entrySet()) {
            Map<String, Object> resource = map(entry.getValue(), "Resources." + entry.getKey());
            if ("AWS::Serverless::HttpApi".equals(resource.get("Type"))
                    && included(entry.getKey(), resource)
                    && resource.get("Properties") instanceof Map<?, ?> properties
                    && properties.get("Auth") != null) {
                String where = entry.getKey() + ".Auth";
                Object declared = resolver.resolve(properties.get("Auth"), where);
                apiAuth.put(entry.getKey(), auth.samApiAuth(declared, entry.getKey()));
            }
        }
    }

    private AliasDefinition alias(String id, Map<String, Object> raw) {
        Map<String, Object> p = map(resolver.resolve(withOnly(raw, Set.of("FunctionName", "Name")), id), id);
        // a deploy points it at the version it publishes; locally that is version 1
        return new AliasDefinition(id, functionName(required(p, "FunctionName", id)), required(p, "Name", id));
    }

    /** A function name, or the name in a function ARN. */
    private static String functionName(String nameOrArn) {
        Matcher matcher = FUNCTION_IN_ARN.matcher(nameOrArn);
        return matcher.find() ? matcher.group(1) : nameOrArn;
    }

    /** A task definition whose metadata names a local model repository is the GPU pool the emulator runs. */
    private boolean gpuPool(String id, Map<String, Object> resource, Map<String, Object> properties) {
        if (!(resource.get("Metadata") instanceof Map<?, ?> metadata)
                || metadata.get(GpuPoolDefinition.MODELS_METADATA) == null) {
            return false;
        }
        if (gpuPool != null) {
            warnings.add(id + ": a second GPU pool task definition; the emulator runs only " + gpuPool.logicalId());
            return true;
        }
        String models =
                String.valueOf(resolver.resolve(metadata.get(GpuPoolDefinition.MODELS_METADATA), id + ".Metadata"));
        Map<String, String> environment = new LinkedHashMap<>();
        if (properties.get("ContainerDefinitions") instanceof List<?> containers
                && !containers.isEmpty()
                && containers.get(0) instanceof Map<?, ?> container
                && container.get("Environment") instanceof List<?> variables) {
            // resolved as a list, so a variable an !If leaves out (AWS::NoValue) is dropped
            for (Object variable : (List<?>) resolver.resolve(variables, id + ".Environment")) {
                Map<String, Object> v = map(variable, id + ".Environment");
                environment.put(String.valueOf(v.get("Name")), String.valueOf(v.get("Value")));
            }
        }
        gpuPool = new GpuPoolDefinition(id, file.getParent().resolve(models).normalize(), environment);
        return true;
    }

    private Map<String, Object> parameters(Map<String, Object> declared) {
        for (String name : parameterOverrides.keySet()) {
            if (!declared.containsKey(name)) {
                throw new TemplateException("--parameter-overrides names '" + name
                        + "', which Parameters does not declare"
                        + (declared.isEmpty() ? "" : " (declared: " + String.join(", ", declared.keySet()) + ")"));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : declared.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> definition = map(entry.getValue(), "Parameters." + name);
            Object value =
                    parameterOverrides.containsKey(name) ? parameterOverrides.get(name) : definition.get("Default");
            if (value == null) {
                continue; // reported only if something refers to it
            }
            if (definition.get("AllowedValues") instanceof List<?> allowed
                    && allowed.stream().noneMatch(a -> String.valueOf(a).equals(String.valueOf(value)))) {
                throw new TemplateException(
                        "parameter " + name + " is '" + value + "' but AllowedValues is " + allowed);
            }
            String type = String.valueOf(definition.getOrDefault("Type", "String"));
            values.put(
                    name,
                    type.startsWith("List<") || type.equals("CommaDelimitedList")
                            ? List.of(String.valueOf(value).split("\\s*,\\s*"))
                            : String.valueOf(value));
        }
        return values;
    }

    private Map<String, Object> pseudoParameters() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("AWS::Region", region);
        values.put("AWS::AccountId", ACCOUNT_ID);
        values.put("AWS::StackName", "skiff-local");
        values.put(
                "AWS::StackId",
                "arn:aws:cloudformation:" + region + ":" + ACCOUNT_ID
                        + ":stack/skiff-local/00000000-0000-0000-0000-000000000000");
        values.put("AWS::Partition", "aws");
        values.put("AWS::URLSuffix", "amazonaws.com");
        values.put("AWS::NotificationARNs", List.of());
        return values;
    }

    /** Applies a resource's Condition attribute. */
    private boolean included(String id, Map<String, Object> resource) {
        Object condition = resource.get("Condition");
        return condition == null || resolver.condition(String.valueOf(condition), id + ".Condition");
    }

    /** SAM's Globals rules: the resource's own scalar wins, maps merge, lists append. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mergeGlobals(Map<String, Object> globals, Map<String, Object> resource) {
        Map<String, Object> merged = new LinkedHashMap<>(globals);
        resource.forEach((key, value) -> {
            Object global = merged.get(key);
            if (global instanceof Map<?, ?> g && value instanceof Map<?, ?> v && !isIntrinsic(g) && !isIntrinsic(v)) {
                merged.put(key, mergeGlobals((Map<String, Object>) g, (Map<String, Object>) v));
            } else if (global instanceof List<?> g && value instanceof List<?> v) {
                List<Object> both = new ArrayList<>(g);
                both.addAll(v);
                merged.put(key, both);
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static boolean isIntrinsic(Map<?, ?> map) {
        if (map.size() != 1) {
            return false;
        }
        String key = String.valueOf(map.keySet().iterator().next());
        return key.equals("Ref") || key.startsWith("Fn::");
    }

    private FunctionDefinition function(String id, Map<String, Object> raw) {
        Set<String> notEmulated = new TreeSet<>(raw.keySet());
        notEmulated.removeAll(FUNCTION_PROPERTIES);
        if (!notEmulated.isEmpty()) {
            warnings.add(id + ": properties not emulated locally: " + String.join(", ", notEmulated));
        }
        // a function that is not run locally is not resolved either: its values may have no local value
        Map<String, Object> kind = map(resolver.resolve(withOnly(raw, Set.of("PackageType", "Runtime")), id), id);
        if (kind.containsKey("PackageType") && !"Zip".equals(kind.get("PackageType"))) {
            warnings.add(id + ": PackageType " + kind.get("PackageType") + " is not emulated; the function is skipped");
            return null;
        }
        String runtime = required(kind, "Runtime", id);
        if (!RUNTIMES.contains(runtime)) {
            warnings.add(id + ": runtime " + runtime + " is not emulated (supported: " + new TreeSet<>(RUNTIMES)
                    + "); the function is skipped");
            return null;
        }
        // only what runs locally is resolved: a deploy-only property may name what has no local value
        Map<String, Object> p = map(resolver.resolve(withOnly(raw, FUNCTION_PROPERTIES), id), id);
        String handler = runtime.startsWith("provided")
                ? String.valueOf(p.getOrDefault("Handler", "bootstrap"))
                : required(p, "Handler", id);
        Object codeUri = p.get("CodeUri");
        if (!(codeUri instanceof String codePath)) {
            throw new TemplateException(id + ".CodeUri must be a local path (a directory or a .zip), got "
                    + (codeUri == null ? "nothing" : codeUri));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        if (p.get("Environment") instanceof Map<?, ?> env && env.get("Variables") instanceof Map<?, ?> variables) {
            variables.forEach((k, v) -> environment.put(String.valueOf(k), String.valueOf(v)));
        }
        String architecture = p.get("Architectures") instanceof List<?> archs && !archs.isEmpty()
                ? String.valueOf(archs.get(0))
                : "x86_64";
        return new FunctionDefinition(
                id,
                String.valueOf(p.getOrDefault("FunctionName", id)),
                runtime,
                handler,
                file.getParent().resolve(codePath).normalize(),
                integer(p.getOrDefault("MemorySize", 128), id + ".MemorySize", 128, 10240),
                integer(p.getOrDefault("Timeout", 3), id + ".Timeout", 1, 900),
                environment,
                p.containsKey("ReservedConcurrentExecutions")
                        ? integer(
                                p.get("ReservedConcurrentExecutions"), id + ".ReservedConcurrentExecutions", 0, 100000)
                        : null,
                p.get("AutoPublishAlias") == null ? null : String.valueOf(p.get("AutoPublishAlias")),
                architecture,
                String.valueOf(p.getOrDefault("Description", "")));
    }

    private static Map<String, Object> withOnly(Map<String, Object> properties, Set<String> names) {
        Map<String, Object> copy = new LinkedHashMap<>(properties);
        copy.keySet().retainAll(names);
        copy.remove("Events");
        return copy;
    }

    private List<HttpRoute> eventRoutes(FunctionDefinition function, Map<String, Object> properties) {
        List<HttpRoute> routes = new ArrayList<>();
        Map<String, Object> events = map(properties.getOrDefault("Events", Map.of()), function.logicalId() + ".Events");
        for (Map.Entry<String, Object> entry : events.entrySet()) {
            String where = function.logicalId() + ".Events." + entry.getKey();
            Map<String, Object> event = map(resolver.resolve(entry.getValue(), where), where);
            if (!"HttpApi".equals(event.get("Type"))) {
                warnings.add(where + ": event type " + event.get("Type") + " is not emulated");
                continue;
            }
            Map<String, Object> p = map(event.getOrDefault("Properties", Map.of()), where + ".Properties");
            Set<String> notEmulated = new TreeSet<>(p.keySet());
            notEmulated.removeAll(HTTP_API_EVENT_PROPERTIES);
            if (!notEmulated.isEmpty()) {
                warnings.add(where + ": properties not emulated locally: " + String.join(", ", notEmulated));
            }
            String apiId = String.valueOf(p.getOrDefault("ApiId", IMPLICIT_HTTP_API));
            String path = p.containsKey("Path") ? String.valueOf(p.get("Path")) : "$default";
            String method =
                    p.containsKey("Method") ? String.valueOf(p.get("Method")).toUpperCase(Locale.ROOT) : "ANY";
            AuthReader.ApiAuth api = apiAuth.getOrDefault(apiId, AuthReader.ApiAuth.NONE);
            RouteAuth routeAuth = auth.eventAuth(p.get("Auth"), api, where);
            routes.add(new HttpRoute(
                    apiId,
                    method,
                    path,
                    new RouteTarget.Lambda(function.functionName(), function.autoPublishAlias()),
                    String.valueOf(p.getOrDefault("PayloadFormatVersion", "2.0")),
                    integer(p.getOrDefault("TimeoutInMillis", 30000), where + ".TimeoutInMillis", 50, 30000),
                    where,
                    routeAuth));
        }
        return routes;
    }

    /**
     * Routes from an HttpApi's OpenAPI DefinitionBody: each operation's x-amazon-apigateway-integration,
     * written in place or as a $ref to components/x-amazon-apigateway-integrations.
     */
    private List<HttpRoute> httpApiRoutes(String apiId, Map<String, Object> raw) {
        Set<String> notEmulated = new TreeSet<>(raw.keySet());
        notEmulated.removeAll(HTTP_API_PROPERTIES);
        if (!notEmulated.isEmpty()) {
            warnings.add(apiId + ": properties not emulated locally: " + String.join(", ", notEmulated));
        }
        List<HttpRoute> routes = new ArrayList<>();
        Map<String, Object> body = raw.get("DefinitionBody") instanceof Map<?, ?>
                ? map(resolver.resolve(raw.get("DefinitionBody"), apiId + ".DefinitionBody"), apiId)
                : Map.of();
        Map<String, Object> settings = new LinkedHashMap<>();
        for (String name : List.of("CorsConfiguration", "DefaultRouteSettings", "RouteSettings")) {
            Object value = raw.get(name) == null ? null : resolver.resolve(raw.get(name), apiId + "." + name);
            if (value != null) {
                settings.put(name, value);
            }
        }
        apiSettings.put(apiId, apiSettingsReader.read(apiId, settings, body));
        warnings.add(apiId + ": API Gateway behaviour not emulated: account-level throttling (the Region's "
                + "10,000 requests/s), custom domains, mutual TLS, stage variables, request and response "
                + "parameter mapping, access logs");
        if (!body.isEmpty()) {
            Map<String, Object> components =
                    body.get("components") instanceof Map<?, ?> c ? map(c, apiId + ".components") : Map.of();
            AuthReader.ApiAuth samAuth = apiAuth.getOrDefault(apiId, AuthReader.ApiAuth.NONE);
            Map<String, Authorizer> schemes = auth.securitySchemes(components, samAuth, apiId + ".DefinitionBody");
            RouteAuth bodyAuth =
                    auth.operationAuth(body.get("security"), schemes, samAuth.defaultAuth(), apiId + ".DefinitionBody");
            Map<String, Object> shared = components.get("x-amazon-apigateway-integrations") instanceof Map<?, ?> i
                    ? map(i, apiId + ".components.x-amazon-apigateway-integrations")
                    : Map.of();
            Map<String, Object> paths = map(body.getOrDefault("paths", Map.of()), apiId + ".DefinitionBody.paths");
            for (Map.Entry<String, Object> pathEntry : paths.entrySet()) {
                Map<String, Object> operations = map(pathEntry.getValue(), apiId + " path " + pathEntry.getKey());
                for (Map.Entry<String, Object> operation : operations.entrySet()) {
                    String where = apiId + ".DefinitionBody.paths." + pathEntry.getKey() + "." + operation.getKey();
                    String method = operation.getKey().equals("x-amazon-apigateway-any-method")
                            ? "ANY"
                            : operation.getKey().toUpperCase(Locale.ROOT);
                    if (!(operation.getValue() instanceof Map<?, ?> op)
                            || !(op.get("x-amazon-apigateway-integration") instanceof Map<?, ?> integration)) {
                        continue;
                    }
                    String name = where;
                    if (integration.get("$ref") instanceof String ref) {
                        name = ref.substring(ref.lastIndexOf('/') + 1);
                        if (!ref.startsWith("#/components/x-amazon-apigateway-integrations/")
                                || !(shared.get(name) instanceof Map<?, ?> found)) {
                            throw new TemplateException(where + ": integration " + ref + " is not in components."
                                    + "x-amazon-apigateway-integrations");
                        }
                        integration = found;
                    }
                    String type = String.valueOf(integration.get("type")).toUpperCase(Locale.ROOT);
                    String uri = String.valueOf(integration.get("uri"));
                    String format = String.valueOf(
                            integration.containsKey("payloadFormatVersion")
                                    ? integration.get("payloadFormatVersion")
                                    : "2.0");
                    RouteTarget target = integrationTarget(type, uri, where + ".x-amazon-apigateway-integration");
                    if (target instanceof RouteTarget.HttpProxy) {
                        target = new RouteTarget.HttpProxy(name, uri);
                    }
                    if (target != null) {
                        int timeout = integer(
                                integration.containsKey("timeoutInMillis") ? integration.get("timeoutInMillis") : 30000,
                                where + ".timeoutInMillis",
                                50,
                                30000);
                        RouteAuth routeAuth = auth.operationAuth(op.get("security"), schemes, bodyAuth, where);
                        // an exported HTTP API writes its $default route as the path /$default
                        String path = pathEntry.getKey().equals("/$default") ? "$default" : pathEntry.getKey();
                        routes.add(new HttpRoute(apiId, method, path, target, format, timeout, where, routeAuth));
                    }
                }
            }
        }
        return routes;
    }

    private List<HttpRoute> apiGatewayRoute(String routeId, Map<String, Object> raw) {
        Map<String, Object> p = map(resolver.resolve(raw, routeId), routeId);
        String routeKey = required(p, "RouteKey", routeId);
        String target = String.valueOf(p.getOrDefault("Target", ""));
        if (!target.startsWith("integrations/")) {
            warnings.add(routeId + ": Target '" + target + "' is not integrations/<id>; route not emulated");
            return List.of();
        }
        String integrationId = target.substring("integrations/".length());
        if (!(resources.get(integrationId) instanceof Map<?, ?> integration)
                || !"AWS::ApiGatewayV2::Integration".equals(integration.get("Type"))) {
            throw new TemplateException(routeId + ".Target names integration '" + integrationId
                    + "', which is not an AWS::ApiGatewayV2::Integration of this template");
        }
        Map<String, Object> ip =
                map(resolver.resolve(((Map<?, ?>) integration).get("Properties"), integrationId), integrationId);
        RouteTarget routeTarget = integrationTarget(
                String.valueOf(ip.get("IntegrationType")), String.valueOf(ip.get("IntegrationUri")), integrationId);
        if (routeTarget instanceof RouteTarget.HttpProxy proxy) {
            routeTarget = new RouteTarget.HttpProxy(integrationId, proxy.uri());
        }
        if (routeTarget == null) {
            return List.of();
        }
        String method = "$default".equals(routeKey) ? "ANY" : routeKey.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        String path = "$default".equals(routeKey) ? "$default" : routeKey.split(" ", 2)[1];
        return List.of(new HttpRoute(
                String.valueOf(p.getOrDefault("ApiId", IMPLICIT_HTTP_API)),
                method,
                path,
                routeTarget,
                String.valueOf(ip.getOrDefault("PayloadFormatVersion", "2.0")),
                integer(ip.getOrDefault("TimeoutInMillis", 30000), integrationId + ".TimeoutInMillis", 50, 30000),
                routeId,
                auth.apiGatewayRouteAuth(p, authorizerProperties(routeId, p.get("AuthorizerId")), routeId)));
    }

    /** The properties of the AWS::ApiGatewayV2::Authorizer a route names, or null when it names none. */
    private Map<String, Object> authorizerProperties(String routeId, Object authorizerId) {
        if (authorizerId == null) {
            return null;
        }
        if (!(resources.get(String.valueOf(authorizerId)) instanceof Map<?, ?> authorizer)
                || !"AWS::ApiGatewayV2::Authorizer".equals(authorizer.get("Type"))) {
            throw new TemplateException(routeId + ".AuthorizerId names '" + authorizerId
                    + "', which is not an AWS::ApiGatewayV2::Authorizer of this template");
        }
        String id = String.valueOf(authorizerId);
        return map(resolver.resolve(authorizer.get("Properties"), id), id);
    }

    private RouteTarget integrationTarget(String type, String uri, String where) {
        switch (type.toUpperCase(Locale.ROOT)) {
            case "HTTP_PROXY" -> {
                return new RouteTarget.HttpProxy(where, uri);
            }
            case "AWS_PROXY" -> {
                Matcher matcher = FUNCTION_IN_ARN.matcher(uri);
                if (matcher.find()) {
                    return new RouteTarget.Lambda(matcher.group(1), matcher.group(2));
                }
                warnings.add(
                        where + ": cannot find a Lambda function in integration uri " + uri + "; route not emulated");
                return null;
            }
            default -> {
                warnings.add(where + ": integration type " + type + " is not emulated");
                return null;
            }
        }
    }

    private void checkRouteTargets(List<FunctionDefinition> functions, List<HttpRoute> routes) {
        Map<String, HttpRoute> seen = new LinkedHashMap<>();
        for (HttpRoute route : routes) {
            if (route.target() instanceof RouteTarget.Lambda lambda
                    && functions.stream().noneMatch(f -> f.functionName().equals(lambda.functionName()))) {
                warnings.add(route.source() + ": route " + route.routeKey() + " targets function "
                        + lambda.functionName() + ", which this template does not run locally");
            }
            HttpRoute earlier = seen.putIfAbsent(route.routeKey(), route);
            if (earlier != null) {
                throw new TemplateException("route " + route.routeKey() + " is declared twice: by " + earlier.source()
                        + " and by " + route.source());
            }
        }
    }

    /**
     * How resources answer Ref and Fn::GetAtt locally: a function by its name and ARN, SAM's
     * {@code Function.Alias} and {@code Function.Version} by the alias and version 1 the emulator
     * publishes, an {@code AWS::Lambda::Alias} by its ARN; anything else by its logical id.
     */
    private final class LocalResourceValues implements IntrinsicResolver.ResourceValues {
        @Override
        public boolean exists(String logicalId) {
            return resources.containsKey(logicalId)
                    || logicalId.equals(IMPLICIT_HTTP_API)
                    || samReference(logicalId) != null;
        }

        @Override
        public Object ref(String logicalId) {
            String reference = samReference(logicalId);
            if (reference != null) {
                return reference;
            }
            Map<?, ?> resource = resources.get(logicalId) instanceof Map<?, ?> r ? r : Map.of();
            if ("AWS::Serverless::Function".equals(resource.get("Type"))
                    && resource.get("Properties") instanceof Map<?, ?> p
                    && p.get("FunctionName") != null) {
                return resolver.resolve(p.get("FunctionName"), logicalId + ".FunctionName");
            }
            if ("AWS::Lambda::Alias".equals(resource.get("Type"))
                    && resource.get("Properties") instanceof Map<?, ?> p) {
                String function = functionName(
                        String.valueOf(resolver.resolve(p.get("FunctionName"), logicalId + ".FunctionName")));
                return functionArn(function) + ":" + resolver.resolve(p.get("Name"), logicalId + ".Name");
            }
            return logicalId;
        }

        @Override
        public Object attribute(String logicalId, String attribute) {
            if (isFunction(logicalId)) {
                return switch (attribute) {
                    case "Arn" -> functionArn(String.valueOf(ref(logicalId)));
                    case "Alias", "Version" -> samReference(logicalId + "." + attribute);
                    case "Version.Version" -> "1";
                    default -> null;
                };
            }
            return null;
        }

        /** {@code MyFunction.Alias} or {@code MyFunction.Version}, which SAM resolves to what it generates; else null. */
        private String samReference(String name) {
            int dot = name.lastIndexOf('.');
            if (dot < 0 || !isFunction(name.substring(0, dot))) {
                return null;
            }
            String function = name.substring(0, dot);
            String arn = functionArn(String.valueOf(ref(function)));
            return switch (name.substring(dot + 1)) {
                case "Alias" -> {
                    Object alias = mergeGlobals(
                                    functionGlobals,
                                    map(
                                            map(resources.get(function), function)
                                                    .getOrDefault("Properties", Map.of()),
                                            function))
                            .get("AutoPublishAlias");
                    yield alias == null ? null : arn + ":" + resolver.resolve(alias, function + ".AutoPublishAlias");
                }
                case "Version" -> arn + ":1";
                default -> null;
            };
        }

        private boolean isFunction(String logicalId) {
            return resources.get(logicalId) instanceof Map<?, ?> resource
                    && "AWS::Serverless::Function".equals(resource.get("Type"));
        }

        private String functionArn(String functionName) {
            return "arn:aws:lambda:" + region + ":" + ACCOUNT_ID + ":function:" + functionName;
        }
    }

    private static String required(Map<String, Object> properties, String name, String where) {
        Object value = properties.get(name);
        if (value == null || String.valueOf(value).isBlank()) {
            throw new TemplateException(where + "." + name + " is required");
        }
        return String.valueOf(value);
    }

    private static int integer(Object value, String where, int min, int max) {
        int number;
        try {
            number = Integer.parseInt(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new TemplateException(where + " must be an integer, got " + value);
        }
        if (number < min || number > max) {
            throw new TemplateException(where + " must be between " + min + " and " + max + ", got " + number);
        }
        return number;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), v));
            return copy;
        }
        throw new TemplateException(where + " must be a mapping, got " + (value == null ? "nothing" : value));
    }
}
