package dev.skiff.gpu.routing;

import dev.skiff.runtime.contract.AliasRoute;

import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Aliases per model (live, canary, any name), changed at run time; a read never sees half a change. */
public final class AliasTable {
    /** The alias the unversioned route, /v2/models/{model}/infer, goes through, as on API Gateway. */
    public static final String DEFAULT_ALIAS = "live";
    /** Lambda's rule for alias names: letters, digits, - and _, and not a number (that would be a version). */
    private static final Pattern NAME = Pattern.compile("(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}");

    private final Map<String, Map<String, AliasRoute>> byModel = new ConcurrentHashMap<>();

    public static boolean isValidName(String alias) {
        return alias != null && NAME.matcher(alias).matches();
    }

    /** The alias's route, or null. */
    public AliasRoute get(String model, String alias) {
        Map<String, AliasRoute> aliases = byModel.get(model);
        return aliases == null ? null : aliases.get(alias);
    }

    public void put(String model, String alias, AliasRoute route) {
        if (!isValidName(alias)) {
            throw new IllegalArgumentException(
                    "'" + alias + "' is not an alias name: use letters, digits, - and _, " + "not a number alone");
        }
        byModel.computeIfAbsent(model, m -> new ConcurrentHashMap<>()).put(alias, route);
    }

    public AliasRoute remove(String model, String alias) {
        Map<String, AliasRoute> aliases = byModel.get(model);
        return aliases == null ? null : aliases.remove(alias);
    }

    /** A model's aliases, by name. */
    public SortedMap<String, AliasRoute> aliases(String model) {
        Map<String, AliasRoute> aliases = byModel.get(model);
        return aliases == null ? new TreeMap<>() : new TreeMap<>(aliases);
    }

    /** The models that have at least one alias, by name. */
    public SortedSet<String> models() {
        SortedSet<String> names = new TreeSet<>();
        byModel.forEach((model, aliases) -> {
            if (!aliases.isEmpty()) names.add(model);
        });
        return names;
    }

    /** The aliases of a model that route to a version, by name: it must not be unloaded under them. */
    public SortedMap<String, AliasRoute> routingTo(String model, long version) {
        SortedMap<String, AliasRoute> using = aliases(model);
        using.values().removeIf(route -> !route.uses(version));
        return using;
    }
}
