package dev.skiff.gpu.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aliases in JSON, in the words of a Lambda alias:
 * {@code {"version": "2", "additionalVersionWeights": {"3": 0.1}}}; an aliases file maps model
 * names to alias names to such routes.
 */
public final class AliasJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private AliasJson() {}

    /** @throws IllegalArgumentException with what is wrong, for a 400 */
    public static AliasRoute parseRoute(byte[] body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the alias body is not valid JSON: " + originalMessage(e));
        }
        return route(node, "the alias body");
    }

    /** Reads an aliases file: {"model": {"alias": route, ...}, ...}. */
    public static Map<String, Map<String, AliasRoute>> readFile(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(file + " must hold a JSON object of models");
        Map<String, Map<String, AliasRoute>> models = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> model = it.next();
            if (!model.getValue().isObject()) {
                throw new IllegalArgumentException(file + ": model '" + model.getKey() + "' must map alias names to routes");
            }
            Map<String, AliasRoute> aliases = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> a = model.getValue().fields(); a.hasNext(); ) {
                Map.Entry<String, JsonNode> alias = a.next();
                aliases.put(alias.getKey(), route(alias.getValue(), file + ": alias '" + model.getKey() + "/" + alias.getKey() + "'"));
            }
            models.put(model.getKey(), aliases);
        }
        return models;
    }

    public static ObjectNode write(String name, AliasRoute route) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", name);
        node.put("version", Long.toString(route.version()));
        if (route.additionalVersion() != null) {
            node.putObject("additionalVersionWeights").put(Long.toString(route.additionalVersion()), route.additionalWeight());
        }
        return node;
    }

    private static AliasRoute route(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + " must be an object like {\"version\": \"2\", "
                    + "\"additionalVersionWeights\": {\"3\": 0.1}}");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!field.equals("version") && !field.equals("additionalVersionWeights") && !field.equals("name")) {
                throw new IllegalArgumentException(where + ": unknown field \"" + field + "\"; expected version, additionalVersionWeights");
            }
        }
        long version = versionNumber(node.get("version"), where + ": \"version\"");
        JsonNode weights = node.get("additionalVersionWeights");
        if (weights == null || weights.isNull() || weights.isEmpty()) return AliasRoute.to(version);
        if (!weights.isObject() || weights.size() != 1) {
            throw new IllegalArgumentException(where + ": \"additionalVersionWeights\" must name one version and its "
                    + "share, like {\"3\": 0.1}");
        }
        Map.Entry<String, JsonNode> weight = weights.fields().next();
        long additional = versionNumber(JSON.getNodeFactory().textNode(weight.getKey()), where + ": the additional version");
        if (!weight.getValue().isNumber()) {
            throw new IllegalArgumentException(where + ": the weight of version " + additional + " must be a number from 0 to 1");
        }
        try {
            return new AliasRoute(version, additional, weight.getValue().asDouble());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static long versionNumber(JsonNode node, String where) {
        String text = node == null ? null : node.isIntegralNumber() ? node.asText() : node.isTextual() ? node.asText() : null;
        if (text == null || !text.matches("[1-9][0-9]{0,17}")) {
            throw new IllegalArgumentException(where + " must be a version number such as \"2\"");
        }
        return Long.parseLong(text);
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }
}
