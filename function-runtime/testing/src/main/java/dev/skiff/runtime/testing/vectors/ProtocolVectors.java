package dev.skiff.runtime.testing.vectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.testing.vectors.ProtocolVector.Invocation;
import dev.skiff.runtime.testing.vectors.ProtocolVector.TargetDifferences;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A protocol vector set: Skiff's own ({@link #builtIn()}, over the example models fraud and minilm)
 * or one in the same format for other models ({@link #load(URL)}). Selections narrow it:
 * {@code ProtocolVectors.builtIn().servedBy(Target.GPU_POOL).notTagged("text")}.
 *
 * <p>The file: {@code {"throughAlias": "live", "differsByTarget": {"headers": [...]}, "vectors": [...]}},
 * each vector {@code {"name", "invocation": "http"|"direct", "method", "path", "model", "body"|"bodyFile",
 * "status", "tags", "targets", "differsByTarget": {"headers", "bodyFields"}}}; a bodyFile is read from
 * {@code requests/} beside the file.
 */
public final class ProtocolVectors implements Iterable<ProtocolVector> {
    /** Skiff's vector set, a resource beside this class. */
    public static final String BUILT_IN = "protocol-vectors.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SET_FIELDS = Set.of("about", "throughAlias", "differsByTarget", "vectors");
    private static final Set<String> VECTOR_FIELDS = Set.of(
            "name",
            "invocation",
            "method",
            "path",
            "model",
            "body",
            "bodyFile",
            "status",
            "tags",
            "targets",
            "differsByTarget");
    private static final Set<String> DIFFERENCE_FIELDS = Set.of("headers", "bodyFields");
    private static volatile ProtocolVectors builtIn;

    private final String source;
    private final String throughAlias;
    private final List<ProtocolVector> vectors;

    private ProtocolVectors(String source, String throughAlias, List<ProtocolVector> vectors) {
        this.source = source;
        this.throughAlias = throughAlias;
        this.vectors = List.copyOf(vectors);
    }

    /** Skiff's vector set: every target's answers to it are compared in Skiff's own parity tests. */
    public static ProtocolVectors builtIn() {
        if (builtIn == null) {
            URL url = ProtocolVectors.class.getResource(BUILT_IN);
            if (url == null) throw new IllegalStateException(BUILT_IN + " is missing beside " + ProtocolVectors.class);
            builtIn = load(url);
        }
        return builtIn;
    }

    /**
     * Every vector of the built-in set, for
     * {@code @MethodSource("dev.skiff.runtime.testing.vectors.ProtocolVectors#all")}.
     */
    public static List<ProtocolVector> all() {
        return builtIn().list();
    }

    public static ProtocolVectors load(Path file) {
        try {
            return load(file.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming the file, the vector and what is wrong with it */
    public static ProtocolVectors load(URL file) {
        JsonNode root;
        try (InputStream in = file.openStream()) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(file + ": expected a JSON object");
        onlyFields(root, SET_FIELDS, file.toString());
        TargetDifferences shared = differences(root.get("differsByTarget"), file.toString());
        JsonNode list = root.get("vectors");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(file + ": \"vectors\" must be a non-empty array");
        }
        List<ProtocolVector> vectors = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode node : list) {
            ProtocolVector vector = vector(node, file, shared);
            if (!names.add(vector.name())) {
                throw new IllegalArgumentException(file + ": two vectors named \"" + vector.name() + "\"");
            }
            vectors.add(vector);
        }
        String alias =
                root.hasNonNull("throughAlias") ? root.get("throughAlias").asText() : null;
        return new ProtocolVectors(file.toString(), alias, vectors);
    }

    /**
     * The alias every request reaches its model through, as the API's routes send them (Lambda:
     * the function's qualifier; the pool: its alias document), or null when the set names none.
     */
    public String throughAlias() {
        return throughAlias;
    }

    /** The vectors every one of the targets serves. */
    public ProtocolVectors servedBy(Target... targets) {
        return select(v -> Arrays.stream(targets).allMatch(v::servedBy), "served by " + Arrays.toString(targets));
    }

    /** The vectors with any of the tags. */
    public ProtocolVectors tagged(String... tags) {
        knownTags(tags);
        return select(v -> Arrays.stream(tags).anyMatch(v::tagged), "tagged " + Arrays.toString(tags));
    }

    /** The vectors with none of the tags. */
    public ProtocolVectors notTagged(String... tags) {
        knownTags(tags);
        return select(v -> Arrays.stream(tags).noneMatch(v::tagged), "not tagged " + Arrays.toString(tags));
    }

    /** @throws IllegalArgumentException naming the vectors there are */
    public ProtocolVector named(String name) {
        for (ProtocolVector vector : vectors) {
            if (vector.name().equals(name)) return vector;
        }
        throw new IllegalArgumentException("no vector named \"" + name + "\" in " + source + "; there are: "
                + String.join(", ", vectors.stream().map(ProtocolVector::name).toList()));
    }

    /** Every tag some vector carries. */
    public Set<String> tags() {
        Set<String> tags = new TreeSet<>();
        for (ProtocolVector vector : vectors) tags.addAll(vector.tags());
        return tags;
    }

    public List<ProtocolVector> list() {
        return vectors;
    }

    public Stream<ProtocolVector> stream() {
        return vectors.stream();
    }

    public int size() {
        return vectors.size();
    }

    @Override
    public Iterator<ProtocolVector> iterator() {
        return vectors.iterator();
    }

    @Override
    public String toString() {
        return source + " (" + vectors.size() + " vectors)";
    }

    /** A selection that leaves nothing is a mistake in the test (a misspelled tag): it fails, not passes empty. */
    private ProtocolVectors select(Predicate<ProtocolVector> keep, String what) {
        List<ProtocolVector> kept = vectors.stream().filter(keep).toList();
        if (kept.isEmpty()) throw new IllegalArgumentException("no vector of " + this + " is " + what);
        return new ProtocolVectors(source + ", " + what, throughAlias, kept);
    }

    private void knownTags(String[] tags) {
        Set<String> known = tags();
        for (String tag : tags) {
            if (!known.contains(tag))
                throw new IllegalArgumentException(
                        "no vector of " + this + " is tagged \"" + tag + "\"; the tags are " + known);
        }
    }

    private static ProtocolVector vector(JsonNode node, URL file, TargetDifferences shared) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(file + ": every vector must be a JSON object, not " + node);
        }
        String name = text(node, "name", file + ": a vector");
        String where = file + ", vector \"" + name + "\"";
        onlyFields(node, VECTOR_FIELDS, where);
        Invocation invocation =
                switch (node.hasNonNull("invocation") ? node.get("invocation").asText() : "http") {
                    case "http" -> Invocation.HTTP;
                    case "direct" -> Invocation.DIRECT;
                    default ->
                        throw new IllegalArgumentException(
                                where + ": invocation must be http or direct, not " + node.get("invocation"));
                };
        String method = null, path = null, model = null;
        if (invocation == Invocation.HTTP) {
            method = text(node, "method", where);
            path = text(node, "path", where);
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException(where + ": path must start with /, not " + path);
            }
            if (node.has("model"))
                throw new IllegalArgumentException(where + ": \"model\" is for direct invocations; "
                        + "an http vector names its model in its path");
        } else {
            model = text(node, "model", where);
            if (node.has("method") || node.has("path")) {
                throw new IllegalArgumentException(where + ": a direct invocation has no method or path");
            }
        }
        JsonNode status = node.get("status");
        if (status == null || !status.canConvertToInt() || status.asInt() < 100 || status.asInt() > 599) {
            throw new IllegalArgumentException(where + ": \"status\" must be an HTTP status, not " + status);
        }
        Set<Target> targets = new LinkedHashSet<>();
        if (node.has("targets")) {
            for (String target : strings(node.get("targets"), where + ", targets")) {
                try {
                    targets.add(Target.fromWireName(target));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
            }
        } else {
            targets.addAll(List.of(Target.values()));
        }
        if (invocation == Invocation.DIRECT && !targets.equals(Set.of(Target.LAMBDA))) {
            throw new IllegalArgumentException(
                    where + ": a direct invocation reaches functions only: targets must be [\"lambda\"]");
        }
        TargetDifferences own = differences(node.get("differsByTarget"), where);
        Set<String> headers = new LinkedHashSet<>(shared.headers());
        headers.addAll(own.headers());
        Set<String> bodyFields = new LinkedHashSet<>(shared.bodyFields());
        bodyFields.addAll(own.bodyFields());
        Set<String> tags = node.has("tags") ? strings(node.get("tags"), where + ", tags") : Set.of();
        return new ProtocolVector(
                name,
                invocation,
                method,
                path,
                model,
                body(node, file, where),
                status.asInt(),
                tags,
                targets,
                new TargetDifferences(headers, bodyFields));
    }

    private static String body(JsonNode node, URL file, String where) {
        if (node.has("body") && node.has("bodyFile")) {
            throw new IllegalArgumentException(where + ": either \"body\" or \"bodyFile\", not both");
        }
        if (node.has("body")) {
            if (!node.get("body").isTextual()) {
                throw new IllegalArgumentException(where + ": \"body\" must be a string");
            }
            return node.get("body").asText();
        }
        if (!node.has("bodyFile")) return null;
        String name = text(node, "bodyFile", where);
        // by text, not URI.resolve: a jar: URL (the set inside this module's jar) is opaque to it
        String folder = file.toString().substring(0, file.toString().lastIndexOf('/') + 1);
        URL bodyUrl;
        try {
            bodyUrl = URI.create(folder + "requests/" + name).toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": bad bodyFile " + name, e);
        }
        try (InputStream in = bodyUrl.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": bodyFile " + name + " is not at " + bodyUrl, e);
        }
    }

    private static TargetDifferences differences(JsonNode node, String where) {
        if (node == null) return new TargetDifferences(Set.of(), Set.of());
        if (!node.isObject()) throw new IllegalArgumentException(where + ": \"differsByTarget\" must be an object");
        onlyFields(node, DIFFERENCE_FIELDS, where + ", differsByTarget");
        Set<String> headers = new LinkedHashSet<>();
        if (node.has("headers")) {
            for (String header : strings(node.get("headers"), where + ", differsByTarget.headers")) {
                headers.add(header.toLowerCase(Locale.ROOT));
            }
        }
        Set<String> fields = node.has("bodyFields")
                ? strings(node.get("bodyFields"), where + ", differsByTarget.bodyFields")
                : Set.of();
        return new TargetDifferences(headers, fields);
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!allowed.contains(field)) {
                throw new IllegalArgumentException(
                        where + ": unknown field \"" + field + "\"; expected one of " + new TreeSet<>(allowed));
            }
        }
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(where + ": \"" + field + "\" must be a non-empty string, not " + value);
        }
        return value.asText();
    }

    private static Set<String> strings(JsonNode node, String where) {
        if (!node.isArray()) throw new IllegalArgumentException(where + ": expected an array of strings, not " + node);
        Set<String> values = new LinkedHashSet<>();
        for (JsonNode value : node) {
            if (!value.isTextual()) throw new IllegalArgumentException(where + ": expected strings, not " + value);
            values.add(value.asText());
        }
        return values;
    }
}
