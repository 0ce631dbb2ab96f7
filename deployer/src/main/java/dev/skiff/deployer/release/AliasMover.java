package dev.skiff.deployer.release;

import dev.skiff.deployer.cli.UserError;

import java.util.List;
import java.util.Optional;

/** promote and rollback: the rules for moving an alias, the same for Lambda and the GPU pool. */
public final class AliasMover {
    private AliasMover() {}

    /**
     * Points the alias at {@code version}: all at once, or, with a canary percent below 100, sends
     * that share to {@code version} while the rest stays where it was.
     */
    public static AliasState promote(ReleaseChannel channel, String alias, String version, Integer canaryPercent) {
        List<String> versions = channel.versions();
        if (!versions.contains(version)) {
            throw new UserError(channel.target() + " " + channel.location() + " has no version " + version
                    + "; versions: " + (versions.isEmpty() ? "none yet (deploy first)" : String.join(", ", versions)));
        }
        if (canaryPercent != null && (canaryPercent < 0 || canaryPercent > 100)) {
            throw new UserError("--canary is a percent from 0 to 100, not " + canaryPercent);
        }
        Optional<AliasState> current = channel.alias(alias);
        AliasState next;
        if (canaryPercent == null || canaryPercent == 100) {
            String previous = current.map(c -> c.version().equals(version) ? c.previousVersion() : c.version())
                    .orElse(null);
            next = AliasState.to(alias, version, previous);
        } else {
            AliasState now = current.orElseThrow(() -> new UserError("alias '" + alias + "' does not exist yet, so "
                    + "there is nothing to keep the other " + (100 - canaryPercent)
                    + "% on; promote without --canary first"));
            if (now.version().equals(version)) {
                throw new UserError("alias '" + alias + "' already sends its main traffic to version " + version
                        + "; a canary needs another version");
            }
            next = canaryPercent == 0
                    ? AliasState.to(alias, now.version(), now.previousVersion())
                    : new AliasState(alias, now.version(), version, canaryPercent / 100.0, now.previousVersion());
        }
        channel.setAlias(next);
        return next;
    }

    /**
     * Undoes the last move: a canary is dropped (everything back on the main version); otherwise
     * the alias goes back to the version it pointed at before, or the highest version below.
     */
    public static AliasState rollback(ReleaseChannel channel, String alias) {
        AliasState now = channel.alias(alias)
                .orElseThrow(() -> new UserError(
                        channel.target() + " " + channel.location() + " has no alias '" + alias + "' to roll back"));
        AliasState next;
        if (now.hasCanary()) {
            next = AliasState.to(alias, now.version(), now.previousVersion());
        } else {
            List<String> versions = channel.versions();
            String target = now.previousVersion() != null && versions.contains(now.previousVersion())
                    ? now.previousVersion()
                    : versions.stream()
                            .filter(v -> number(v) < number(now.version()))
                            .reduce((a, b) -> b)
                            .orElseThrow(() -> new UserError(
                                    "alias '" + alias + "' is on version " + now.version() + " and there is no earlier "
                                            + "version to roll back to; versions: " + String.join(", ", versions)));
            next = AliasState.to(alias, target, null);
        }
        channel.setAlias(next);
        return next;
    }

    private static long number(String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
