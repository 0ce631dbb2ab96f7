package dev.skiff.deployer.release;

import dev.skiff.runtime.contract.Target;

import java.util.List;
import java.util.Optional;

/**
 * One model's published versions and aliases on its target: a Lambda function's versions and
 * aliases, or the GPU pool's loaded versions and its own aliases. promote, rollback and status
 * work the same through either.
 */
public interface ReleaseChannel extends AutoCloseable {
    Target target();

    /** The function name, or the pool's management URL. */
    String location();

    /** Published versions, lowest first (never $LATEST). */
    List<String> versions();

    List<AliasState> aliases();

    default Optional<AliasState> alias(String name) {
        return aliases().stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** Creates the alias, or moves it; the change is atomic on both targets. */
    void setAlias(AliasState route);

    /** Releases what the channel holds (the pool's store client); the Lambda client is its caller's. */
    @Override
    default void close() {}
}
