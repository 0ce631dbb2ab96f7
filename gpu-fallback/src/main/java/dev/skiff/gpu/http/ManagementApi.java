package dev.skiff.gpu.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.gpu.repository.ModelRegistry;
import dev.skiff.gpu.routing.AliasTable;
import dev.skiff.gpu.store.StorePoller;
import dev.skiff.runtime.api.ApiResponse;
import dev.skiff.runtime.contract.AliasDocument;
import dev.skiff.runtime.contract.AliasRoute;
import dev.skiff.runtime.contract.ErrorCode;
import dev.skiff.runtime.model.Model;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.store.StoreConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Versions and aliases at run time, under /v2/repository (Triton's repository extension, plus
 * aliases). API Gateway routes only /v2/models/... to the pool, so these stay inside the VPC.
 * <pre>
 * POST   /v2/repository/index                                  every version, loaded or failed, and why
 * POST   /v2/repository/models/{model}/load                    load the model's versions not loaded yet
 * POST   /v2/repository/models/{model}/versions/{v}/load       load, or reload from disk, one version
 * POST   /v2/repository/models/{model}/versions/{v}/unload     stop serving a version no alias uses
 * GET    /v2/repository/models/{model}/aliases[/{alias}]       the model's aliases
 * PUT    /v2/repository/models/{model}/aliases/{alias}         {"version": "2", "additionalVersionWeights": {"3": 0.1}}
 * DELETE /v2/repository/models/{model}/aliases/{alias}
 * </pre>
 * With a shared model store (s3://), no alias or version state lives only in this task: alias
 * changes are written to the store's document (a concurrent writer's change is a 409, never lost),
 * with this task's credentials, so the store's IAM decides (the template's task role only reads: a
 * 403 there); load syncs from the store now; unload is refused, the store decides what is served.
 */
public final class ManagementApi {
    public static final String PREFIX = "/v2/repository";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);

    private final ModelRegistry registry;
    private final AliasTable aliases;
    private final StorePoller store; // null for a directory served in place

    /** @param store the shared model store's poller, or null for a directory served in place */
    public ManagementApi(ModelRegistry registry, AliasTable aliases, StorePoller store) {
        this.registry = registry;
        this.aliases = aliases;
        this.store = store;
    }

    public static boolean handles(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    public ApiResponse handle(String method, String path, byte[] body) {
        String[] parts = path.substring(PREFIX.length()).split("/", -1); // "", "models", "{model}", ...
        int n = parts.length;
        if (n == 2 && parts[1].equals("index")) return only("POST", method, path, () -> index());
        if (n < 4 || !parts[1].equals("models") || parts[2].isEmpty()) return noRoute(method, path);
        String model = parts[2];
        if (n == 4 && parts[3].equals("load"))
            return only("POST", method, path, () -> storeCall(() -> loadModel(model)));
        if (n == 6 && parts[3].equals("versions") && (parts[5].equals("load") || parts[5].equals("unload"))) {
            String version = parts[4];
            if (!ModelRepository.isVersion(version)) {
                return error(
                        ErrorCode.INVALID_ARGUMENT,
                        "'" + version + "' is not a version number; versions are positive integers",
                        model,
                        null);
            }
            long number = Long.parseLong(version);
            if (store != null) {
                return only(
                        "POST",
                        method,
                        path,
                        () -> storeCall(() -> parts[5].equals("load")
                                ? loadModel(model)
                                : error(
                                        ErrorCode.CONFLICT,
                                        "this task serves the model store " + store.describe() + ", which decides the "
                                                + "versions every task serves; a task does not unload one on its own",
                                        model,
                                        version)));
            }
            return only(
                    "POST",
                    method,
                    path,
                    () -> parts[5].equals("load") ? loadVersion(model, number) : unloadVersion(model, number));
        }
        if (n == 4 && parts[3].equals("aliases")) return only("GET", method, path, () -> listAliases(model));
        if (n == 5 && parts[3].equals("aliases") && !parts[4].isEmpty()) {
            String alias = parts[4];
            return switch (method) {
                case "GET" -> getAlias(model, alias);
                case "PUT" -> storeCall(() -> putAlias(model, alias, body));
                case "DELETE" -> storeCall(() -> deleteAlias(model, alias));
                default ->
                    ApiResponse.methodNotAllowed(
                            method + " is not allowed on " + path + "; use GET, PUT or DELETE",
                            model,
                            "GET, PUT, DELETE");
            };
        }
        return noRoute(method, path);
    }

    private ApiResponse index() {
        ArrayNode states = JSON.createArrayNode();
        for (ModelRegistry.VersionState state : registry.index()) {
            ObjectNode node = states.addObject();
            node.put("name", state.model());
            node.put("version", state.version());
            node.put("state", state.ready() ? "READY" : "UNAVAILABLE");
            if (state.reason() != null) node.put("reason", state.reason());
        }
        return ok(states, null, null);
    }

    private ApiResponse loadModel(String model) {
        if (store != null) store.poll(); // what the store has now, synced and loaded
        List<String> failed;
        try {
            failed = registry.loadNewVersions(model);
        } catch (ModelLoadException e) {
            return error(ErrorCode.NOT_FOUND, e.getMessage(), model, null);
        }
        Model loaded = registry.model(model);
        ObjectNode node = JSON.createObjectNode();
        node.put("name", model);
        ArrayNode versions = node.putArray("versions");
        if (loaded != null) loaded.versionNames().forEach(versions::add);
        ArrayNode errors = node.putArray("errors");
        failed.forEach(errors::add);
        return failed.isEmpty()
                ? ok(node, model, null)
                : ApiResponse.of(ErrorCode.INVALID_ARGUMENT.httpStatus(), bytes(node), model, null);
    }

    private ApiResponse loadVersion(String model, long number) {
        Model existing = registry.model(model);
        boolean reload = existing != null && existing.version(number) != null;
        try {
            registry.loadVersion(model, number);
        } catch (ModelLoadException e) {
            String serving = reload ? "; the copy of version " + number + " loaded before still serves" : "";
            return error(
                    ErrorCode.INVALID_ARGUMENT,
                    "model '" + model + "' version " + number + " failed to load: " + e.getMessage() + serving,
                    model,
                    Long.toString(number));
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("name", model);
        node.put("version", Long.toString(number));
        node.put("state", "READY");
        node.put("reloaded", reload);
        return ok(node, model, Long.toString(number));
    }

    private ApiResponse unloadVersion(String model, long number) {
        Map<String, AliasRoute> using = aliases.routingTo(model, number);
        if (!using.isEmpty()) {
            return error(
                    ErrorCode.CONFLICT,
                    "model '" + model + "' version " + number + " is routed to by alias(es) " + using.keySet()
                            + "; move them to another version first",
                    model,
                    Long.toString(number));
        }
        if (!registry.unloadVersion(model, number)) {
            return error(
                    ErrorCode.NOT_FOUND,
                    "model '" + model + "' has no version " + number + " loaded",
                    model,
                    Long.toString(number));
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("name", model);
        node.put("version", Long.toString(number));
        node.put("state", "UNLOADED");
        return ok(node, model, Long.toString(number));
    }

    private ApiResponse listAliases(String model) {
        if (registry.model(model) == null) return unknownModel(model);
        ObjectNode node = JSON.createObjectNode();
        node.put("name", model);
        ArrayNode list = node.putArray("aliases");
        aliases.aliases(model).forEach((name, route) -> list.add(routeNode(name, route)));
        return ok(node, model, null);
    }

    private ApiResponse getAlias(String model, String alias) {
        if (registry.model(model) == null) return unknownModel(model);
        AliasRoute route = aliases.get(model, alias);
        if (route == null)
            return error(ErrorCode.NOT_FOUND, "model '" + model + "' has no alias '" + alias + "'", model, null);
        return ok(routeNode(alias, route), model, null);
    }

    private ApiResponse putAlias(String model, String alias, byte[] body) {
        Model loaded = registry.model(model);
        if (loaded == null && store == null) return unknownModel(model);
        if (!AliasTable.isValidName(alias)) {
            return error(
                    ErrorCode.INVALID_ARGUMENT,
                    "'" + alias + "' is not an alias name: use letters, digits, - and _, not a number alone",
                    model,
                    null);
        }
        AliasRoute route;
        try {
            route = AliasDocument.parseRoute(body, "the alias body");
        } catch (IllegalArgumentException e) {
            return error(ErrorCode.INVALID_ARGUMENT, e.getMessage(), model, null);
        }
        if (store != null) return putStoreAlias(model, alias, route);
        for (Long number : new Long[] {route.version(), route.additionalVersion()}) {
            if (number != null && loaded.version(number) == null) {
                return error(
                        ErrorCode.CONFLICT,
                        "model '" + model + "' version " + number + " is not loaded, so alias '" + alias
                                + "' cannot route to it; load it first (POST " + PREFIX + "/models/" + model
                                + "/versions/"
                                + number + "/load); versions: " + loaded.versionNames(),
                        model,
                        null);
            }
        }
        AliasRoute before = aliases.get(model, alias);
        aliases.put(model, alias, route);
        LOG.atInfo()
                .addKeyValue("model", model)
                .addKeyValue("alias", alias)
                .addKeyValue("route", routeNode(alias, route).toString())
                .addKeyValue(
                        "before",
                        before == null ? null : routeNode(alias, before).toString())
                .log("alias set");
        return ok(routeNode(alias, route), model, Long.toString(route.version()));
    }

    /** The alias in the store's document, for every task; routed here once its versions are loaded. */
    private ApiResponse putStoreAlias(String model, String alias, AliasRoute route) {
        List<Long> published = store.aliases().publishedVersions(model);
        for (Long number : new Long[] {route.version(), route.additionalVersion()}) {
            if (number != null && !published.contains(number)) {
                return error(
                        published.isEmpty() ? ErrorCode.NOT_FOUND : ErrorCode.CONFLICT,
                        "model '" + model + "' has no version " + number + " in the model store " + store.describe()
                                + ", so alias '" + alias + "' cannot route to it; publish it with skiff deploy; "
                                + "versions: " + published,
                        model,
                        null);
            }
        }
        store.aliases().put(model, alias, route);
        LOG.atInfo()
                .addKeyValue("model", model)
                .addKeyValue("alias", alias)
                .addKeyValue("route", routeNode(alias, route).toString())
                .addKeyValue("store", store.describe())
                .log("alias written to the store");
        return ok(routeNode(alias, route), model, Long.toString(route.version()));
    }

    private ApiResponse deleteAlias(String model, String alias) {
        AliasRoute removed = store != null ? store.aliases().remove(model, alias) : aliases.remove(model, alias);
        if (removed == null)
            return error(ErrorCode.NOT_FOUND, "model '" + model + "' has no alias '" + alias + "'", model, null);
        LOG.atInfo().addKeyValue("model", model).addKeyValue("alias", alias).log("alias deleted");
        return ok(routeNode(alias, removed), model, null);
    }

    private ApiResponse unknownModel(String model) {
        return error(
                ErrorCode.NOT_FOUND,
                "model '" + model + "' is not served here; models: " + registry.modelNames(),
                model,
                null);
    }

    private interface Action {
        ApiResponse run();
    }

    /** A store call's failures as the protocol's errors: a lost race 409, IAM's refusal 403, S3 unreachable 503. */
    private ApiResponse storeCall(Action action) {
        try {
            return action.run();
        } catch (StoreConflictException e) {
            return error(
                    ErrorCode.CONFLICT,
                    e.getMessage() + "; nothing was written: read the aliases again and retry",
                    null,
                    null);
        } catch (S3Exception e) {
            ErrorCode code = e.statusCode() == 403 ? ErrorCode.PERMISSION_DENIED : ErrorCode.UNAVAILABLE;
            return error(
                    code,
                    "the model store " + storeName() + " answered " + e.statusCode() + ": "
                            + (e.awsErrorDetails() == null
                                    ? e.getMessage()
                                    : e.awsErrorDetails().errorMessage())
                            + (code == ErrorCode.PERMISSION_DENIED
                                    ? "; this task's role may only read the store: move aliases with skiff promote"
                                    : ""),
                    null,
                    null);
        } catch (SdkException e) {
            return error(
                    ErrorCode.UNAVAILABLE,
                    "the model store " + storeName() + " cannot be reached: " + e.getMessage(),
                    null,
                    null);
        }
    }

    private String storeName() {
        return store == null ? "" : store.describe();
    }

    private static ApiResponse only(String allowed, String method, String path, Action action) {
        if (!allowed.equals(method)) {
            return ApiResponse.methodNotAllowed(
                    method + " is not allowed on " + path + "; use " + allowed, null, allowed);
        }
        return action.run();
    }

    private static ApiResponse noRoute(String method, String path) {
        return error(
                ErrorCode.NOT_FOUND,
                "no route " + method + " " + path + "; see the management routes in gpu-fallback/README.md",
                null,
                null);
    }

    private static ApiResponse ok(Object node, String model, String version) {
        return ApiResponse.ok(bytes(node), model, version);
    }

    private static ApiResponse error(ErrorCode code, String message, String model, String version) {
        return ApiResponse.error(code, message, model, version);
    }

    private static ObjectNode routeNode(String name, AliasRoute route) {
        try {
            return (ObjectNode) JSON.readTree(AliasDocument.routeJson(name, route));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(Object node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
