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
 * Mappings, Globals, {@code AWS::Serverless::Function}, {@code AWS::Serverless::HttpApi} with its
 * HttpApi events or OpenAPI body, and {@code AWS::ApiGatewayV2::Route}/{@code Integration} pairs.
 * Everything else is listed in the warnings by name.
 */
public final class SamTemplateLoader {

    public static final String ACCOUNT_ID = "123456789012";
    public static final String IMPLICIT_HTTP_API = "ServerlessHttpApi";

    private static final Set<String> SECTIONS = Set.of("AWSTemplateFormatVersion", "Transform", "Description",
            "Metadata", "Parameters", "Mappings", "Conditions", "Globals", "Resources", "Outputs", "Rules");
    private static final Set<String> FUNCTION_PROPERTIES = Set.of("Runtime", "Handler", "CodeUri", "MemorySize",
            "Timeout", "Environment", "ReservedConcurrentExecutions", "AutoPublishAlias", "Architectures",
            "Description", "FunctionName", "Events", "PackageType");
    private static final Set<String> HTTP_API_PROPERTIES = Set.of("DefinitionBody", "StageName", "Description",
            "FailOnWarnings", "Name");
    private static final Set<String> HTTP_API_EVENT_PROPERTIES = Set.of("ApiId", "Path", "Method",
            "PayloadFormatVersion", "TimeoutInMillis");
    private static final Set<String> RUNTIMES = Set.of("java11", "java17", "java21", "java25",
            "provided", "provided.al2", "provided.al2023");
    private static final Pattern FUNCTION_IN_ARN = Pattern.compile("function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9$_-]+))?");

    private final Path file;
    private final Map<String, String> parameterOverrides;
    private final String region;
    private final List<String> warnings = new ArrayList<>();
    private Map<String, Object> resources;
    private IntrinsicResolver resolver;

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
        resolver = new IntrinsicResolver(parameters(map(root.getOrDefault("Parameters", Map.of()), "Parameters")),
                pseudoParameters(), map(root.getOrDefault("Mappings", Map.of()), "Mappings"),
                map(root.getOrDefault("Conditions", Map.of()), "Conditions"), new LocalResourceValues(), warnings);
        Map<String, Object> globals = map(root.getOrDefault("Globals", Map.of()), "Globals");
        for (String section : globals.keySet()) {
            if (!section.equals("Function")) {
                warnings.add("Globals." + section + " is not emulated");
            }
        }
        Map<String, Object> functionGlobals = map(globals.getOrDefault("Function", Map.of()), "Globals.Function");

        List<FunctionDefinition> functions = new ArrayList<>();
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
                case "AWS::ApiGatewayV2::Integration" -> { } // read through the routes that target it
                default -> warnings.add("resource " + id + " (" + type + ") is not emulated");
            }
        }
        apiRoutes.forEach((id, properties) -> routes.addAll(apiGatewayRoute(id, properties)));
        checkRouteTargets(functions, routes);
        return new SamTemplate(file, List.copyOf(functions), List.copyOf(routes), List.copyOf(warnings));
    }

    private Map<String, Object> parameters(Map<String, Object> declared) {
        for (String name : parameterOverrides.keySet()) {
            if (!declared.containsKey(name)) {
                throw new TemplateException("--parameter-overrides names '" + name + "', which Parameters does not declare"
                        + (declared.isEmpty() ? "" : " (declared: " + String.join(", ", declared.keySet()) + ")"));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : declared.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> definition = map(entry.getValue(), "Parameters." + name);
            Object value = parameterOverrides.containsKey(name) ? parameterOverrides.get(name) : definition.get("Default");
            if (value == null) {
                continue; // reported only if something refers to it
            }
            if (definition.get("AllowedValues") instanceof List<?> allowed
                    && allowed.stream().noneMatch(a -> String.valueOf(a).equals(String.valueOf(value)))) {
                throw new TemplateException("parameter " + name + " is '" + value + "' but AllowedValues is " + allowed);
            }
            String type = String.valueOf(definition.getOrDefault("Type", "String"));
            values.put(name, type.startsWith("List<") || type.equals("CommaDelimitedList")
                    ? List.of(String.valueOf(value).split("\\s*,\\s*")) : String.valueOf(value));
        }
        return values;
    }

    private Map<String, Object> pseudoParameters() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("AWS::Region", region);
        values.put("AWS::AccountId", ACCOUNT_ID);
        values.put("AWS::StackName", "skiff-local");
        values.put("AWS::StackId", "arn:aws:cloudformation:" + region + ":" + ACCOUNT_ID
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
        Map<String, Object> p = map(resolver.resolve(withoutEvents(raw), id), id);
        if (p.containsKey("PackageType") && !"Zip".equals(p.get("PackageType"))) {
            warnings.add(id + ": PackageType " + p.get("PackageType") + " is not emulated; the function is skipped");
            return null;
        }
        String runtime = required(p, "Runtime", id);
        if (!RUNTIMES.contains(runtime)) {
            warnings.add(id + ": runtime " + runtime + " is not emulated (supported: " + new TreeSet<>(RUNTIMES)
                    + "); the function is skipped");
            return null;
        }
        String handler = runtime.startsWith("provided") ? String.valueOf(p.getOrDefault("Handler", "bootstrap"))
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
                ? String.valueOf(archs.get(0)) : "x86_64";
        return new FunctionDefinition(id, String.valueOf(p.getOrDefault("FunctionName", id)), runtime, handler,
                file.getParent().resolve(codePath).normalize(),
                integer(p.getOrDefault("MemorySize", 128), id + ".MemorySize", 128, 10240),
                integer(p.getOrDefault("Timeout", 3), id + ".Timeout", 1, 900),
                environment,
                p.containsKey("ReservedConcurrentExecutions")
                        ? integer(p.get("ReservedConcurrentExecutions"), id + ".ReservedConcurrentExecutions", 0, 100000)
                        : null,
                p.get("AutoPublishAlias") == null ? null : String.valueOf(p.get("AutoPublishAlias")),
                architecture,
                String.valueOf(p.getOrDefault("Description", "")));
    }

    private static Map<String, Object> withoutEvents(Map<String, Object> properties) {
        Map<String, Object> copy = new LinkedHashMap<>(properties);
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
            String method = p.containsKey("Method") ? String.valueOf(p.get("Method")).toUpperCase(Locale.ROOT) : "ANY";
            routes.add(new HttpRoute(apiId, method, path,
                    new RouteTarget.Lambda(function.functionName(), function.autoPublishAlias()),
                    String.valueOf(p.getOrDefault("PayloadFormatVersion", "2.0")),
                    integer(p.getOrDefault("TimeoutInMillis", 30000), where + ".TimeoutInMillis", 50, 30000), where));
        }
        return routes;
    }

    /** Routes from an HttpApi's OpenAPI DefinitionBody (x-amazon-apigateway-integration). */
    private List<HttpRoute> httpApiRoutes(String apiId, Map<String, Object> raw) {
        Set<String> notEmulated = new TreeSet<>(raw.keySet());
        notEmulated.removeAll(HTTP_API_PROPERTIES);
        if (!notEmulated.isEmpty()) {
            warnings.add(apiId + ": properties not emulated locally: " + String.join(", ", notEmulated));
        }
        List<HttpRoute> routes = new ArrayList<>();
        if (!(raw.get("DefinitionBody") instanceof Map<?, ?>)) {
            return routes;
        }
        Map<String, Object> body = map(resolver.resolve(raw.get("DefinitionBody"), apiId + ".DefinitionBody"), apiId);
        Map<String, Object> paths = map(body.getOrDefault("paths", Map.of()), apiId + ".DefinitionBody.paths");
        for (Map.Entry<String, Object> pathEntry : paths.entrySet()) {
            Map<String, Object> operations = map(pathEntry.getValue(), apiId + " path " + pathEntry.getKey());
            for (Map.Entry<String, Object> operation : operations.entrySet()) {
                String where = apiId + ".DefinitionBody.paths." + pathEntry.getKey() + "." + operation.getKey();
                String method = operation.getKey().equals("x-amazon-apigateway-any-method") ? "ANY"
                        : operation.getKey().toUpperCase(Locale.ROOT);
                if (!(operation.getValue() instanceof Map<?, ?> op)
                        || !(op.get("x-amazon-apigateway-integration") instanceof Map<?, ?> integration)) {
                    continue;
                }
                String type = String.valueOf(integration.get("type")).toUpperCase(Locale.ROOT);
                String uri = String.valueOf(integration.get("uri"));
                String format = String.valueOf(integration.containsKey("payloadFormatVersion")
                        ? integration.get("payloadFormatVersion") : "2.0");
                RouteTarget target = integrationTarget(type, uri, where + ".x-amazon-apigateway-integration");
                if (target != null) {
                    routes.add(new HttpRoute(apiId, method, pathEntry.getKey(), target, format, 30000, where));
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
        Map<String, Object> ip = map(resolver.resolve(((Map<?, ?>) integration).get("Properties"), integrationId), integrationId);
        RouteTarget routeTarget = integrationTarget(String.valueOf(ip.get("IntegrationType")),
                String.valueOf(ip.get("IntegrationUri")), integrationId);
        if (routeTarget instanceof RouteTarget.HttpProxy proxy) {
            routeTarget = new RouteTarget.HttpProxy(integrationId, proxy.uri());
        }
        if (routeTarget == null) {
            return List.of();
        }
        String method = "$default".equals(routeKey) ? "ANY" : routeKey.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        String path = "$default".equals(routeKey) ? "$default" : routeKey.split(" ", 2)[1];
        return List.of(new HttpRoute(String.valueOf(p.getOrDefault("ApiId", IMPLICIT_HTTP_API)), method, path,
                routeTarget, String.valueOf(ip.getOrDefault("PayloadFormatVersion", "2.0")),
                integer(ip.getOrDefault("TimeoutInMillis", 30000), integrationId + ".TimeoutInMillis", 50, 30000),
                routeId));
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
                warnings.add(where + ": cannot find a Lambda function in integration uri " + uri + "; route not emulated");
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

    private final class LocalResourceValues implements IntrinsicResolver.ResourceValues {
        @Override
        public boolean exists(String logicalId) {
            return resources.containsKey(logicalId) || logicalId.equals(IMPLICIT_HTTP_API);
        }

        @Override
        public Object ref(String logicalId) {
            if (resources.get(logicalId) instanceof Map<?, ?> resource
                    && "AWS::Serverless::Function".equals(resource.get("Type"))
                    && resource.get("Properties") instanceof Map<?, ?> p && p.get("FunctionName") != null) {
                return resolver.resolve(p.get("FunctionName"), logicalId + ".FunctionName");
            }
            return logicalId;
        }

        @Override
        public Object attribute(String logicalId, String attribute) {
            if (resources.get(logicalId) instanceof Map<?, ?> resource
                    && "AWS::Serverless::Function".equals(resource.get("Type")) && attribute.equals("Arn")) {
                return "arn:aws:lambda:" + region + ":" + ACCOUNT_ID + ":function:" + ref(logicalId);
            }
            return null;
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
