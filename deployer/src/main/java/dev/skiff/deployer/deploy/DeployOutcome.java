package dev.skiff.deployer.deploy;

/** How a deploy ended. */
public enum DeployOutcome {
    /** The stack reached CREATE_COMPLETE or UPDATE_COMPLETE. */
    DEPLOYED,
    /** The change set held no changes: the stack already matches. */
    NO_CHANGES,
    /** The person said no at the prompt; the change set was deleted. */
    DECLINED,
    /** The stack failed and rolled back, or the change set could not be created. */
    FAILED
}
