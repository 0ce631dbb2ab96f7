package dev.skiff.runtime.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * The names of every model a deployed stack serves, which the deploy hands each of its functions
 * and pool tasks: an unknown model's 404 lists them, whichever target answered it (the API's
 * {@code $default} route goes to one target only).
 */
public final class StackModels {
    /** The environment variable the rendered template sets: the stack's model names, comma-separated. */
    public static final String ENVIRONMENT_VARIABLE = "SKIFF_STACK_MODELS";

    private StackModels() {}

    /** The names in a comma-separated list, blanks left out; empty for null. */
    public static List<String> parse(String commaSeparated) {
        List<String> names = new ArrayList<>();
        if (commaSeparated == null) return names;
        for (String name : commaSeparated.split(",")) if (!name.isBlank()) names.add(name.strip());
        return names;
    }

    /** The stack's model names from this process's environment; empty when the deploy set none. */
    public static List<String> fromEnvironment() {
        return parse(System.getenv(ENVIRONMENT_VARIABLE));
    }
}
