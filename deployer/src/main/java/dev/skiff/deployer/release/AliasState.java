package dev.skiff.deployer.release;

/**
 * A named alias as promote, rollback and status see it on either target: where it sends a model's
 * requests (a version, and optionally a canary version that gets {@code canaryWeight} (0..1) of
 * them) and what rollback returns to. The channels map it to their wire forms: a Lambda alias, or
 * the pool's {@link dev.skiff.runtime.contract.AliasRoute}.
 *
 * @param previousVersion the version the alias pointed at before the last full promote (what
 *                        rollback returns to), or null when not recorded
 */
public record AliasState(
        String name, String version, String canaryVersion, double canaryWeight, String previousVersion) {

    public boolean hasCanary() {
        return canaryVersion != null && canaryWeight > 0;
    }

    public static AliasState to(String name, String version, String previousVersion) {
        return new AliasState(name, version, null, 0, previousVersion);
    }

    /** "2", or "2 (90%) + 3 (10%)" with a canary. */
    public String describe() {
        if (!hasCanary()) return version;
        return String.format(
                "%s (%.0f%%) + %s (%.0f%%)", version, 100 * (1 - canaryWeight), canaryVersion, 100 * canaryWeight);
    }
}
