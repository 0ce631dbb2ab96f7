package dev.skiff.deployer.packaging;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A .zip that package built besides the models' own: the drift function's, which deploy uploads
 * like a model's .zip.
 *
 * @param name the key's folder in the artifact bucket
 */
public record PackagedFunction(String name, Path artifact, String sha256, long zippedBytes) {
    public PackagedFunction {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(sha256, "sha256");
    }
}
