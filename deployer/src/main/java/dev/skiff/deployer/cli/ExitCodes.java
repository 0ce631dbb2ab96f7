package dev.skiff.deployer.cli;

/** Exit codes scripts can rely on; documented in `skiff --help`. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A deploy or stack operation failed in AWS (the stack rolled back, a change set failed). */
    public static final int DEPLOY_FAILED = 1;
    /** Bad arguments, or input that is wrong: a missing model, an unknown version, a bad config. */
    public static final int USAGE_OR_INPUT = 2;
    /** AWS refused or could not be reached: credentials, permissions, endpoint, missing bucket. */
    public static final int AWS_ERROR = 3;
    /** The person declined the change set at the prompt; nothing was changed. */
    public static final int DECLINED = 4;
    /** skiff batch: more rows failed than the run tolerates. */
    public static final int BATCH_FAILED = 5;
    /** skiff drift --fail-on-drift: a feature or the prediction drifted. */
    public static final int DRIFT = 6;
    /** promote/rollback: another release changed the aliases meanwhile; nothing was written, decide again. */
    public static final int CONFLICT = 7;

    private ExitCodes() {}
}
