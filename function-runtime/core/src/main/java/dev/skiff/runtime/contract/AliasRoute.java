package dev.skiff.runtime.contract;

import java.util.function.DoubleSupplier;

/**
 * Where an alias sends requests: a version, and optionally a second one that gets a share of
 * them, as a Lambda alias's routing config does. The one definition of a pool alias: the GPU pool
 * serves it, the deployer writes it and the local emulator reads it, all through {@link AliasDocument}.
 *
 * @param version           the version that gets the rest
 * @param additionalVersion the version that gets {@code additionalWeight} of requests, or null
 * @param additionalWeight  0 to 1
 */
public record AliasRoute(long version, Long additionalVersion, double additionalWeight) {

    public AliasRoute {
        if (version <= 0)
            throw new IllegalArgumentException("an alias's version must be a positive number, not " + version);
        if (additionalVersion != null) {
            if (additionalVersion <= 0) {
                throw new IllegalArgumentException(
                        "an additional version must be a positive number, not " + additionalVersion);
            }
            if (additionalVersion == version) {
                throw new IllegalArgumentException(
                        "the additional version must differ from the alias's version " + version);
            }
            if (!(additionalWeight >= 0 && additionalWeight <= 1)) {
                throw new IllegalArgumentException("a version weight must be between 0 and 1, not " + additionalWeight);
            }
        }
    }

    public static AliasRoute to(long version) {
        return new AliasRoute(version, null, 0);
    }

    /** The version for one request. */
    public long pick(DoubleSupplier random) {
        return additionalVersion != null && random.getAsDouble() < additionalWeight ? additionalVersion : version;
    }

    public boolean uses(long number) {
        return version == number || (additionalVersion != null && additionalVersion == number);
    }
}
