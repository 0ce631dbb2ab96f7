package dev.skiff.deployer.plan;

/** A rule that fired for a model, with the figures that made it fire. */
public record Reason(Rule rule, String detail) {
    @Override
    public String toString() {
        return rule.id + ": " + detail;
    }
}
