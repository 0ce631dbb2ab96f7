package dev.skiff.emulator.invokeapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.emulator.environment.InvocationResult;
import dev.skiff.emulator.lambda.ConfigurationUpdate;
import dev.skiff.emulator.lambda.FunctionAlias;
import dev.skiff.emulator.lambda.FunctionVersion;
import dev.skiff.emulator.lambda.Invoker;
import dev.skiff.emulator.lambda.LambdaFunction;
import dev.skiff.emulator.lambda.LambdaServiceException;
import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.server.HttpEndpoint;
import dev.skiff.emulator.server.HttpReply;
import dev.skiff.emulator.template.FunctionDefinition;
import dev.skiff.emulator.template.SamTemplateLoader;
import dev.skiff.runtime.contract.Limits;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda API (2015-03-31) as the AWS SDK calls it: Invoke with its headers, and the
 * function, version and alias operations. Errors carry {@code x-amzn-ErrorType} and Lambda's
 * body, so the SDK raises the same exception classes it raises against AWS.
 */
public final class LambdaApiEndpoint implements HttpEndpoint {

    /** Lambda's limits on an Invoke request body. */
    static final int MAX_SYNC_PAYLOAD = Limits.LAMBDA_SYNC_PAYLOAD_BYTES;

    static final int MAX_EVENT_PAYLOAD = Limits.LAMBDA_EVENT_PAYLOAD_BYTES;
    /** Lambda's limit on a .zip sent in the request (ZipFile): 50 MB zipped, base64 in JSON. */
    static final int MAX_ZIP_BYTES = 50 * 1024 * 1024;

    /** What Lambda says the UpdateFunctionCode request must stay under: the base64 of 50 MB. */
    static final int MAX_CODE_REQUEST_BYTES = 69_905_067;

    /** X-Amz-Log-Result carries the last 4 KB of the invocation's log. */
    static final int LOG_TAIL_BYTES = 4096;

    private static final Pattern FUNCTIONS = Pattern.compile("/2015-03-31/functions/?");
    private static final Pattern FUNCTION = Pattern.compile("/2015-03-31/functions/([^/]+)(/[a-z]+)?/?");
    private static final Pattern ALIAS = Pattern.compile("/2015-03-31/functions/([^/]+)/aliases/([^/]+)/?");
    /** GetFunction's Code.Location: where a version's .zip downloads, as AWS's presigned S3 URL does. */
    private static final Pattern CODE_DOWNLOAD = Pattern.compile("/skiff-local/code/([^/]+)/([^/]+)\\.zip");

    private static final Pattern CONCURRENCY = Pattern.compile("/2019-09-30/functions/([^/]+)/concurrency/?");
    /** Jackson's default 20 MB string limit would refuse UpdateFunctionCode's base64 .zip. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_CODE_REQUEST_BYTES)
                    .build())
            .build());

    private final Invoker invoker;
    private final AsyncInvocations events;
    private final S3PackageReader s3;

    public LambdaApiEndpoint(Invoker invoker, ScheduledExecutorService timer) {
        this(invoker, timer, S3PackageReader.none());
    }

    public LambdaApiEndpoint(Invoker invoker, ScheduledExecutorService timer, S3PackageReader s3) {
        this.invoker = invoker;
        this.events = new AsyncInvocations(invoker, timer);
        this.s3 = s3;
    }

    @Override
    public CompletableFuture<HttpReply> handle(HttpCall call) {
        String requestId = UUID.randomUUID().toString();
        try {
            return route(call, requestId).thenApply(reply -> reply.with("x-amzn-RequestId", requestId));
        } catch (LambdaServiceException e) {
            return CompletableFuture.completedFuture(error(e).with("x-amzn-RequestId", requestId));
        }
    }

    private CompletableFuture<HttpReply> route(HttpCall call, String requestId) {
        String method = call.method();
        Map<String, String> query = query(call.rawQuery());
        Matcher alias = ALIAS.matcher(call.path());
        if (alias.matches()) {
            LambdaFunction function = function(alias.group(1));
            String name = alias.group(2);
            return done(
                    switch (method) {
                        case "GET" -> HttpReply.json(200, aliasJson(function, function.alias(name)));
                        case "PUT" -> {
                            JsonNode body = body(call);
                            yield HttpReply.json(
                                    200,
                                    aliasJson(
                                            function,
                                            function.updateAlias(
                                                    name,
                                                    text(body, "FunctionVersion"),
                                                    text(body, "Description"),
                                                    weights(body),
                                                    text(body, "RevisionId"))));
                        }
                        case "DELETE" -> {
                            function.deleteAlias(name);
                            yield HttpReply.empty(204);
                        }
                        default -> throw unknownOperation(call);
                    });
        }
        Matcher download = CODE_DOWNLOAD.matcher(call.path());
        if (download.matches() && method.equals("GET")) {
            LambdaFunction function = function(download.group(1));
            FunctionVersion version = function.version(download.group(2));
            try {
                return done(new HttpReply(200, new LinkedHashMap<>(), function.codeArchive(version))
                        .with("Content-Type", "application/zip"));
            } catch (java.io.IOException e) {
                throw new LambdaServiceException(
                        500, "ServiceException", "cannot read the code of " + function.arn() + ": " + e.getMessage());
            }
        }
        Matcher concurrency = CONCURRENCY.matcher(call.path());
        if (concurrency.matches() && method.equals("GET")) {
            ObjectNode body = JSON.createObjectNode();
            Integer reserved = function(concurrency.group(1)).definition().reservedConcurrency();
            if (reserved != null) {
                body.put("ReservedConcurrentExecutions", reserved);
            }
            return done(HttpReply.json(200, body));
        }
        if (FUNCTIONS.matcher(call.path()).matches() && method.equals("GET")) {
            ArrayNode functions = JSON.createArrayNode();
            invoker.registry().all().forEach(f -> functions.add(configuration(f, f.latest())));
            ObjectNode body = JSON.createObjectNode();
            body.set("Functions", functions);
            return done(HttpReply.json(200, body));
        }
        Matcher matcher = FUNCTION.matcher(call.path());
        if (!matcher.matches()) {
            throw unknownOperation(call);
        }
        String reference = matcher.group(1);
        String resource = matcher.group(2) == null ? "" : matcher.group(2);
        switch (resource + " " + method) {
            case "/invocations POST" -> {
                return invoke(call, reference, query.get("Qualifier"), requestId);
            }
            case "/versions POST" -> {
                JsonNode body = body(call);
                LambdaFunction function = function(reference);
                FunctionVersion version = function.publishVersion(
                        text(body, "Description"), text(body, "CodeSha256"), text(body, "RevisionId"));
                return done(HttpReply.json(201, configuration(function, version)));
            }
            case "/code PUT" -> {
                JsonNode body = body(call);
                LambdaFunction function = function(reference);
                FunctionVersion latest = function.updateCode(codePackage(body), text(body, "RevisionId"));
                if (body.path("Publish").asBoolean(false)) {
                    latest = function.publishVersion(null, null, null);
                }
                return done(HttpReply.json(200, configuration(function, latest)));
            }
            case "/configuration PUT" -> {
                JsonNode body = body(call);
                LambdaFunction function = function(reference);
                FunctionVersion latest =
                        function.updateConfiguration(configurationUpdate(body), text(body, "RevisionId"));
                return done(HttpReply.json(200, configuration(function, latest)));
            }
            case "/versions GET" -> {
                LambdaFunction function = function(reference);
                ArrayNode versions = JSON.createArrayNode();
                function.versions().forEach(v -> versions.add(configuration(function, v)));
                ObjectNode body = JSON.createObjectNode();
                body.set("Versions", versions);
                return done(HttpReply.json(200, body));
            }
            case "/aliases POST" -> {
                JsonNode body = body(call);
                LambdaFunction function = function(reference);
                FunctionAlias created = function.createAlias(
                        text(body, "Name"), text(body, "FunctionVersion"), text(body, "Description"), weights(body));
                return done(HttpReply.json(201, aliasJson(function, created)));
            }
            case "/aliases GET" -> {
                LambdaFunction function = function(reference);
                ArrayNode aliases = JSON.createArrayNode();
                function.aliases(query.get("FunctionVersion")).forEach(a -> aliases.add(aliasJson(function, a)));
                ObjectNode body = JSON.createObjectNode();
                body.set("Aliases", aliases);
                return done(HttpReply.json(200, body));
            }
            case "/configuration GET" -> {
                LambdaFunction function = function(reference);
                return done(HttpReply.json(200, qualifiedConfiguration(function, qualifier(reference, query))));
            }
            case " GET" -> {
                LambdaFunction function = function(reference);
                String qualifier = qualifier(reference, query);
                ObjectNode body = JSON.createObjectNode();
                body.set("Configuration", qualifiedConfiguration(function, qualifier));
                ObjectNode code = body.putObject("Code");
                code.put("RepositoryType", "S3");
                code.put("Location", codeLocation(call, function, qualifiedVersion(function, qualifier)));
                Integer reserved = function.definition().reservedConcurrency();
                if (reserved != null) {
                    body.putObject("Concurrency").put("ReservedConcurrentExecutions", reserved);
                }
                return done(HttpReply.json(200, body));
            }
            default -> throw unknownOperation(call);
        }
    }

    private CompletableFuture<HttpReply> invoke(HttpCall call, String reference, String qualifier, String requestId) {
        String invocationType =
                call.header("X-Amz-Invocation-Type") == null ? "RequestResponse" : call.header("X-Amz-Invocation-Type");
        byte[] payload = call.body().length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : call.body();
        if (invocationType.equals("Event") && payload.length > MAX_EVENT_PAYLOAD) {
            throw new LambdaServiceException(
                    413,
                    "RequestTooLargeException",
                    payload.length + " byte payload is too large for the Event invocation type (limit "
                            + MAX_EVENT_PAYLOAD + " bytes)");
        }
        if (payload.length > MAX_SYNC_PAYLOAD) {
            throw new LambdaServiceException(
                    413,
                    "RequestTooLargeException",
                    "Request must be smaller than " + MAX_SYNC_PAYLOAD + " bytes for the InvokeFunction operation");
        }
        // checks the JSON without building a tree of it: a batch event is 250 KB; Jackson decides what the quick check
        // does not take, and says what is wrong
        if (!JsonSyntax.isValid(payload)) checkJson(payload);
        String clientContext = clientContext(call.header("X-Amz-Client-Context"));
        switch (invocationType) {
            case "RequestResponse" -> {
                boolean tail = "Tail".equals(call.header("X-Amz-Log-Type"));
                return invoker.invoke(reference, qualifier, payload, clientContext)
                        .thenApply(result -> invokeReply(result, tail));
            }
            case "Event" -> {
                invoker.registry().find(reference).function().resolve(qualifier); // unknown function or alias: fail now
                events.submit(reference, qualifier, payload, clientContext);
                return done(HttpReply.empty(202));
            }
            case "DryRun" -> {
                invoker.registry().find(reference).function().resolve(qualifier);
                return done(HttpReply.empty(204));
            }
            default ->
                throw LambdaServiceException.invalidParameter(
                        "1 validation error detected: Value '" + invocationType
                                + "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
        }
    }

    /** Jackson's check: a streaming parse that skips the tokens; its message says what is wrong. */
    private static void checkJson(byte[] payload) {
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != null) parser.skipChildren();
        } catch (Exception e) {
            throw new LambdaServiceException(
                    400,
                    "InvalidRequestContentException",
                    "Could not parse request body into json: " + firstLine(e.getMessage()));
        }
    }

    private static HttpReply invokeReply(InvocationResult result, boolean tail) {
        HttpReply reply =
                HttpReply.json(200, result.payload()).with("X-Amz-Executed-Version", result.executedVersion());
        if (result.functionError() != null) {
            reply.with("X-Amz-Function-Error", result.functionError());
        }
        if (tail) {
            byte[] log = result.log().getBytes(StandardCharsets.UTF_8);
            int from = Math.max(0, log.length - LOG_TAIL_BYTES);
            reply.with(
                    "X-Amz-Log-Result",
                    Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(log, from, log.length)));
        }
        return reply;
    }

    private static String clientContext(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw LambdaServiceException.invalidParameter("Client context must be a valid Base64-encoded JSON object.");
        }
    }

    private LambdaFunction function(String reference) {
        return invoker.registry().find(reference).function();
    }

    private String qualifier(String reference, Map<String, String> query) {
        String fromName = invoker.registry().find(reference).qualifier();
        return fromName != null ? fromName : query.get("Qualifier");
    }

    /**
     * GetFunction(Configuration) with a Qualifier: an alias answers its (main) version's
     * configuration with the alias's ARN, as Lambda does; a version or none, that version's.
     */
    private static ObjectNode qualifiedConfiguration(LambdaFunction function, String qualifier) {
        ObjectNode node = configuration(function, qualifiedVersion(function, qualifier));
        if (isAlias(qualifier)) {
            node.put("FunctionArn", function.arn() + ":" + qualifier);
        }
        return node;
    }

    /** The version a qualifier names: $LATEST (none), a number, or an alias's main version. */
    private static FunctionVersion qualifiedVersion(LambdaFunction function, String qualifier) {
        if (!isAlias(qualifier)) {
            return function.version(qualifier == null || qualifier.isEmpty() ? null : qualifier);
        }
        return function.version(function.aliasOrFunctionNotFound(qualifier).functionVersion());
    }

    private static boolean isAlias(String qualifier) {
        return qualifier != null
                && !qualifier.isEmpty()
                && !qualifier.equals(FunctionVersion.LATEST)
                && !qualifier.matches("\\d+");
    }

    /** An http URL on this API that downloads the version's .zip (the client's Host, so it reaches us). */
    private static String codeLocation(HttpCall call, LambdaFunction function, FunctionVersion version) {
        String host = call.header("Host") != null ? call.header("Host") : "127.0.0.1";
        return "http://" + host + "/skiff-local/code/" + function.name() + "/"
                + URLEncoder.encode(version.version(), StandardCharsets.UTF_8) + ".zip";
    }

    /** UpdateFunctionCode's .zip: ZipFile, or the object S3Bucket/S3Key (S3ObjectVersion) names. */
    private byte[] codePackage(JsonNode body) {
        JsonNode zip = body.get("ZipFile");
        if (zip == null || zip.isNull()) {
            if (body.hasNonNull("S3Bucket") && body.hasNonNull("S3Key")) {
                return s3.read(text(body, "S3Bucket"), text(body, "S3Key"), text(body, "S3ObjectVersion"));
            }
            throw LambdaServiceException.invalidParameter(
                    "Please provide a source for function code."); // Lambda's answer to neither ZipFile nor S3
        }
        byte[] bytes;
        try {
            bytes = zip.binaryValue();
        } catch (java.io.IOException e) {
            throw LambdaServiceException.invalidParameter(
                    "Could not unzip uploaded file. Please check your file, then try to upload again.");
        }
        if (bytes == null || bytes.length > MAX_ZIP_BYTES) {
            throw new LambdaServiceException(
                    413,
                    "RequestTooLargeException",
                    "Request must be smaller than " + MAX_CODE_REQUEST_BYTES
                            + " bytes for the UpdateFunctionCode operation");
        }
        return bytes;
    }

    private static ConfigurationUpdate configurationUpdate(JsonNode body) {
        Map<String, String> environment = null;
        JsonNode variables = body.path("Environment").get("Variables");
        if (variables != null && variables.isObject()) {
            Map<String, String> values = new LinkedHashMap<>();
            variables
                    .properties()
                    .forEach(e -> values.put(e.getKey(), e.getValue().asText()));
            environment = values;
        } else if (body.has("Environment")) {
            environment = Map.of();
        }
        return new ConfigurationUpdate(
                text(body, "Handler"),
                text(body, "Description"),
                body.hasNonNull("MemorySize") ? body.get("MemorySize").asInt() : null,
                body.hasNonNull("Timeout") ? body.get("Timeout").asInt() : null,
                environment);
    }

    private static ObjectNode configuration(LambdaFunction function, FunctionVersion version) {
        FunctionDefinition d = version.definition();
        ObjectNode node = JSON.createObjectNode();
        node.put("FunctionName", d.functionName());
        node.put(
                "FunctionArn",
                function.arn() + (version.version().equals(FunctionVersion.LATEST) ? "" : ":" + version.version()));
        node.put("Runtime", d.runtime());
        node.put("Role", "arn:aws:iam::" + SamTemplateLoader.ACCOUNT_ID + ":role/skiff-local");
        node.put("Handler", d.handler());
        node.put("CodeSize", version.codeSize());
        node.put("Description", version.description());
        node.put("Timeout", d.timeoutSeconds());
        node.put("MemorySize", d.memorySize());
        node.put("LastModified", version.lastModified());
        node.put("CodeSha256", version.codeSha256());
        node.put("Version", version.version());
        node.putObject("Environment").set("Variables", JSON.valueToTree(d.environment()));
        node.putObject("TracingConfig").put("Mode", "PassThrough");
        node.put("RevisionId", version.revisionId());
        node.put("State", "Active");
        node.put("LastUpdateStatus", "Successful");
        node.put("PackageType", "Zip");
        node.putArray("Architectures").add(d.architecture());
        return node;
    }

    private static ObjectNode aliasJson(LambdaFunction function, FunctionAlias alias) {
        ObjectNode node = JSON.createObjectNode();
        node.put("AliasArn", function.arn() + ":" + alias.name());
        node.put("Name", alias.name());
        node.put("FunctionVersion", alias.functionVersion());
        node.put("Description", alias.description());
        if (!alias.additionalVersionWeights().isEmpty()) {
            ObjectNode weights = node.putObject("RoutingConfig").putObject("AdditionalVersionWeights");
            alias.additionalVersionWeights().forEach(weights::put);
        }
        node.put("RevisionId", alias.revisionId());
        return node;
    }

    private static JsonNode body(HttpCall call) {
        if (call.body().length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(call.body());
            if (node instanceof ObjectNode) {
                return node;
            }
        } catch (Exception e) {
            // reported below
        }
        throw new LambdaServiceException(
                400, "InvalidRequestContentException", "The request body is not a JSON object");
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** RoutingConfig.AdditionalVersionWeights, or null when the request leaves routing alone. */
    private static Map<String, Double> weights(JsonNode body) {
        JsonNode routing = body.get("RoutingConfig");
        if (routing == null || routing.isNull()) {
            return null;
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        JsonNode additional = routing.get("AdditionalVersionWeights");
        if (additional != null) {
            additional.properties().forEach(e -> {
                if (!e.getValue().isNumber()) {
                    throw LambdaServiceException.invalidParameter(
                            "the weight of version " + e.getKey() + " must be a number");
                }
                weights.put(e.getKey(), e.getValue().asDouble());
            });
        }
        return weights;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(key, value);
        }
        return values;
    }

    private static LambdaServiceException unknownOperation(HttpCall call) {
        return new LambdaServiceException(
                404,
                "UnknownOperationException",
                "The local Lambda API has no operation at " + call.method() + " " + call.path()
                        + " (supported: Invoke, PublishVersion, ListVersionsByFunction, CreateAlias, GetAlias, UpdateAlias,"
                        + " ListAliases, DeleteAlias, GetFunction, GetFunctionConfiguration, UpdateFunctionCode,"
                        + " UpdateFunctionConfiguration, GetFunctionConcurrency, ListFunctions)");
    }

    static HttpReply error(LambdaServiceException e) {
        ObjectNode body = JSON.createObjectNode();
        body.put("Type", e.status() < 500 ? "User" : "Service");
        if (e.reason() != null) {
            body.put("Reason", e.reason());
            body.put("message", e.getMessage());
        } else {
            body.put("Message", e.getMessage());
        }
        return HttpReply.json(e.status(), body).with("x-amzn-ErrorType", e.type());
    }

    @Override
    public int maxBodyBytes() {
        return MAX_CODE_REQUEST_BYTES + 64 * 1024; // UpdateFunctionCode's base64 .zip and the JSON around it
    }

    @Override
    public HttpReply internalError(Throwable error) {
        return error(new LambdaServiceException(500, "ServiceException", "the local emulator failed: " + error));
    }

    @Override
    public HttpReply bodyTooLarge(long limit) {
        return error(new LambdaServiceException(
                413,
                "RequestTooLargeException",
                "Request must be smaller than " + MAX_SYNC_PAYLOAD + " bytes for the InvokeFunction operation"));
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static CompletableFuture<HttpReply> done(HttpReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
