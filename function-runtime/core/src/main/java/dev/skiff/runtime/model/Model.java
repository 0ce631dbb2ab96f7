package dev.skiff.runtime.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A named model and its loaded versions; the highest version is the default. */
public final class Model implements AutoCloseable {
    private final String name;
    private final ModelConfig config;
    private final NavigableMap<Long, ModelVersion> versions = new ConcurrentSkipListMap<>();

    Model(String name, ModelConfig config) {
        this.name = name;
        this.config = config;
    }

    public String name() {
        return name;
    }

    public ModelConfig config() {
        return config;
    }

    /** The default version (the highest), or null when none is loaded. */
    public ModelVersion latest() {
        Map.Entry<Long, ModelVersion> last = versions.lastEntry();
        return last == null ? null : last.getValue();
    }

    /** A version by number, or null. */
    public ModelVersion version(long number) {
        return versions.get(number);
    }

    /** Adds (or replaces) a version; returns the one it replaced. Changes go through {@link ModelRepository}. */
    ModelVersion put(long number, ModelVersion version) {
        return versions.put(number, version);
    }

    ModelVersion remove(long number) {
        return versions.remove(number);
    }

    public List<String> versionNames() {
        List<String> names = new ArrayList<>(versions.size());
        for (Long number : versions.keySet()) names.add(Long.toString(number));
        return names;
    }

    public List<ModelVersion> versions() {
        return List.copyOf(versions.values());
    }

    @Override
    public void close() {
        for (ModelVersion version : versions.values()) version.close();
        versions.clear();
    }
}
