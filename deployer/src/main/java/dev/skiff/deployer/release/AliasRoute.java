package dev.skiff.deployer.release;

/**
 * Where an alias sends a model's requests, on either target: a version, and optionally a canary
 * version that gets {@code canaryWeight} (0..1) of them.
 *
 * @param previousVersion the version the alias pointed at before the last full promote (what
 *                        rollback returns to), or null when not recorded
 */
public record AliasRoute(String name, String version, String canaryVersion, double canaryWeight, String previousVersion) {

    public boolean hasCanary() {
        return canaryVersion != null && canaryWeight > 0;
    }

    public static AliasRoute to(String name, String version, String previousVersion) {
        return new AliasRoute(name, version, null, 0, previousVersion);
    }

    /** "2", or "2 (90%) + 3 (10%)" with a canary. */
    public String describe() {
        if (!hasCanary()) return version;
        return String.format("%s (%.0f%%) + %s (%.0f%%)", version, 100 * (1 - canaryWeight), canaryVersion, 100 * canaryWeight);
    }
}
