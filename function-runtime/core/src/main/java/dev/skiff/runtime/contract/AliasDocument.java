package dev.skiff.runtime.contract;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.skiff.runtime.protocol.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The GPU pool's aliases, one document for all models, in the words of a Lambda alias:
 * {@code {"fraud": {"live": {"version": "2", "additionalVersionWeights": {"3": 0.1}}}}}. The one
 * codec for it: the pool reads it, the deployer writes it, the emulator reads it; a single route
 * alone (the management API's body) has the same shape, optionally with its {@code "name"}.
 *
 * @param models model name to alias name to route, in document order
 */
public record AliasDocument(Map<String, Map<String, AliasRoute>> models) {
    public static final String VERSION = "version";
    public static final String ADDITIONAL_VERSION_WEIGHTS = "additionalVersionWeights";
    public static final String NAME = "name";

    private static final String ROUTE_EXAMPLE = "{\"version\": \"2\", \"additionalVersionWeights\": {\"3\": 0.1}}";

    public AliasDocument {
        Map<String, Map<String, AliasRoute>> copy = new LinkedHashMap<>();
        models.forEach((model, aliases) -> copy.put(model, Collections.unmodifiableMap(new LinkedHashMap<>(aliases))));
        models = Collections.unmodifiableMap(copy);
    }

    public static AliasDocument empty() {
        return new AliasDocument(Map.of());
    }

    /** The route of {@code model}'s {@code alias}, or null. */
    public AliasRoute route(String model, String alias) {
        Map<String, AliasRoute> aliases = models.get(model);
        return aliases == null ? null : aliases.get(alias);
    }

    /** This document with {@code model}'s {@code alias} set to {@code route}. */
    public AliasDocument with(String model, String alias, AliasRoute route) {
        Map<String, Map<String, AliasRoute>> next = mutableCopy();
        next.computeIfAbsent(model, m -> new LinkedHashMap<>()).put(alias, route);
        return new AliasDocument(next);
    }

    /** This document without {@code model}'s {@code alias} (a model left with no alias is dropped). */
    public AliasDocument without(String model, String alias) {
        Map<String, Map<String, AliasRoute>> next = mutableCopy();
        Map<String, AliasRoute> aliases = next.get(model);
        if (aliases != null) {
            aliases.remove(alias);
            if (aliases.isEmpty()) next.remove(model);
        }
        return new AliasDocument(next);
    }

    /**
     * Reads a whole document.
     *
     * @param where names the document in error messages (a file, an S3 key)
     * @throws IllegalArgumentException with what is wrong and where
     */
    public static AliasDocument parse(byte[] json, String where) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT)
                throw new IllegalArgumentException(where + " must hold a JSON object of models");
            Map<String, Map<String, AliasRoute>> models = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String model = p.currentName();
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException(
                            where + ": model '" + model + "' must map alias names to routes");
                }
                Map<String, AliasRoute> aliases = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String alias = p.currentName();
                    p.nextToken();
                    aliases.put(alias, readRoute(p, where + ": alias '" + model + "/" + alias + "'"));
                }
                models.put(model, aliases);
            }
            expectEnd(p, where);
            return new AliasDocument(models);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads one route, as the management API takes it.
     *
     * @throws IllegalArgumentException with what is wrong, for a 400
     */
    public static AliasRoute parseRoute(byte[] json, String where) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            p.nextToken();
            AliasRoute route = readRoute(p, where);
            expectEnd(p, where);
            return route;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole document as JSON, models and aliases in order. */
    public byte[] toJson() {
        return write(g -> {
            g.writeStartObject();
            for (Map.Entry<String, Map<String, AliasRoute>> model : models.entrySet()) {
                g.writeObjectFieldStart(model.getKey());
                for (Map.Entry<String, AliasRoute> alias : model.getValue().entrySet()) {
                    g.writeFieldName(alias.getKey());
                    writeRoute(g, null, alias.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    /** One route as JSON, with its alias name when {@code name} is not null. */
    public static byte[] routeJson(String name, AliasRoute route) {
        return write(g -> writeRoute(g, name, route));
    }

    /** Writes one route as an object, with its alias name first when {@code name} is not null. */
    public static void writeRoute(JsonGenerator g, String name, AliasRoute route) throws IOException {
        g.writeStartObject();
        if (name != null) g.writeStringField(NAME, name);
        g.writeStringField(VERSION, Long.toString(route.version()));
        if (route.additionalVersion() != null) {
            g.writeObjectFieldStart(ADDITIONAL_VERSION_WEIGHTS);
            g.writeNumberField(Long.toString(route.additionalVersion()), route.additionalWeight());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static AliasRoute readRoute(JsonParser p, String where) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException(where + " must be an object like " + ROUTE_EXAMPLE);
        }
        Long version = null;
        Long additional = null;
        double weight = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case VERSION -> version = versionNumber(p, where + ": \"version\"");
                case NAME -> {
                    if (value != JsonToken.VALUE_STRING)
                        throw new IllegalArgumentException(where + ": \"name\" must be a string");
                }
                case ADDITIONAL_VERSION_WEIGHTS -> {
                    if (value == JsonToken.VALUE_NULL) break;
                    if (value != JsonToken.START_OBJECT) throw oneWeight(where);
                    int count = 0;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        if (++count > 1) throw oneWeight(where);
                        additional = versionNumber(p.currentName(), where + ": the additional version");
                        if (!p.nextToken().isNumeric()) {
                            throw new IllegalArgumentException(
                                    where + ": the weight of version " + additional + " must be a number from 0 to 1");
                        }
                        weight = p.getDoubleValue();
                    }
                }
                default ->
                    throw new IllegalArgumentException(
                            where + ": unknown field \"" + field + "\"; expected version, additionalVersionWeights");
            }
        }
        if (version == null)
            throw new IllegalArgumentException(where + ": \"version\" must be a version number such as \"2\"");
        try {
            return additional == null ? AliasRoute.to(version) : new AliasRoute(version, additional, weight);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static IllegalArgumentException oneWeight(String where) {
        return new IllegalArgumentException(
                where + ": \"additionalVersionWeights\" must name one version and its share, like {\"3\": 0.1}");
    }

    private static long versionNumber(JsonParser p, String where) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException(where + " must be a version number such as \"2\"");
        }
        return versionNumber(p.getText(), where);
    }

    private static long versionNumber(String text, String where) {
        if (!isVersionNumber(text))
            throw new IllegalArgumentException(where + " must be a version number such as \"2\"");
        return Long.parseLong(text);
    }

    /** 1 to 18 digits, no leading zero: what a version directory and a Lambda version are named. */
    private static boolean isVersionNumber(String text) {
        if (text.isEmpty() || text.length() > 18 || text.charAt(0) == '0') return false;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') return false;
        }
        return true;
    }

    private static void expectEnd(JsonParser p, String where) throws IOException {
        if (p.nextToken() != null) throw new IllegalArgumentException(where + " has content after its JSON value");
    }

    private Map<String, Map<String, AliasRoute>> mutableCopy() {
        Map<String, Map<String, AliasRoute>> copy = new LinkedHashMap<>();
        models.forEach((model, aliases) -> copy.put(model, new LinkedHashMap<>(aliases)));
        return copy;
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
