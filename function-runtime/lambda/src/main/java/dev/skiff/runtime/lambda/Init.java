package dev.skiff.runtime.lambda;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Builds the function at init and takes part in SnapStart: a real inference per model version
 * before the checkpoint, and after restore whatever must differ per environment is reset.
 */
final class Init implements Resource {
    private static Init registered; // CRaC holds resources weakly: this keeps ours alive

    private final LambdaFunction function;

    private Init(LambdaFunction function) {
        this.function = function;
    }

    static LambdaFunction function() {
        LambdaFunction function = LambdaFunction.fromEnvironment();
        if ("snap-start".equals(System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"))) {
            // only a SnapStart init is checkpointed: registering costs an on-demand cold start 20-30 ms
            registered = new Init(function);
            Core.getGlobalContext().register(registered);
        } else {
            function.prime(); // on SnapStart, beforeCheckpoint primes instead
        }
        return function;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        function.prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        function.markCold(); // the first request after a restore is a cold start of this environment
    }
}
