package dev.skiff.deployer.model;

import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.OnnxModel;

import java.nio.file.Path;
import java.util.List;

/**
 * One model of a repository as the deployer sees it: {@code <name>/config.json} and its version
 * directories, highest last.
 */
public record ModelDirectory(String name, Path directory, ModelConfig config, List<String> versions) {

    public String latestVersion() {
        return versions.getLast();
    }

    public Path versionDirectory(String version) {
        return directory.resolve(version);
    }

    /** The latest version's model as trained (the optimized form is written by package). */
    public Path latestModelFile() {
        return versionDirectory(latestVersion()).resolve(OnnxModel.MODEL_FILE);
    }
}
