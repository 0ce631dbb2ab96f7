package dev.skiff.deployer.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.runtime.contract.Target;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The alias rules on a channel that keeps no history, as the GPU pool's aliases do. */
class AliasMoverTest {
    static final class PoolLikeChannel implements ReleaseChannel {
        final List<String> versions = List.of("1", "2", "3");
        final List<AliasState> aliases = new ArrayList<>();

        @Override
        public Target target() {
            return Target.GPU_POOL;
        }

        @Override
        public String location() {
            return "http://pool";
        }

        @Override
        public List<String> versions() {
            return versions;
        }

        @Override
        public List<AliasState> aliases() {
            return aliases;
        }

        @Override
        public void setAlias(AliasState route) {
            aliases.removeIf(a -> a.name().equals(route.name()));
            // the pool keeps version and weights only
            aliases.add(
                    new AliasState(route.name(), route.version(), route.canaryVersion(), route.canaryWeight(), null));
        }
    }

    @Test
    void canaryKeepsTheMainVersionAndRollbackDropsIt() {
        PoolLikeChannel pool = new PoolLikeChannel();
        AliasMover.promote(pool, "live", "2", null);
        AliasState canary = AliasMover.promote(pool, "live", "3", 10);
        assertEquals("2 (90%) + 3 (10%)", canary.describe());
        assertEquals("2", AliasMover.rollback(pool, "live").describe());
    }

    @Test
    void withoutHistoryRollbackGoesToTheHighestLowerVersion() {
        PoolLikeChannel pool = new PoolLikeChannel();
        AliasMover.promote(pool, "live", "3", null);
        assertEquals("2", AliasMover.rollback(pool, "live").version());
        assertEquals("1", AliasMover.rollback(pool, "live").version());
        UserError none = assertThrows(UserError.class, () -> AliasMover.rollback(pool, "live"));
        assertTrue(none.getMessage().contains("no earlier version"), none.getMessage());
    }

    @Test
    void aCanaryNeedsAnAliasAndAnotherVersion() {
        PoolLikeChannel pool = new PoolLikeChannel();
        assertThrows(UserError.class, () -> AliasMover.promote(pool, "live", "2", 10));
        AliasMover.promote(pool, "live", "2", null);
        assertThrows(UserError.class, () -> AliasMover.promote(pool, "live", "2", 10));
        assertThrows(UserError.class, () -> AliasMover.promote(pool, "live", "7", null));
        assertThrows(UserError.class, () -> AliasMover.promote(pool, "live", "3", 150));
    }
}
