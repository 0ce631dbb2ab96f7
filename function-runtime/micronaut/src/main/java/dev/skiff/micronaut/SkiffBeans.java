package dev.skiff.micronaut;

import dev.skiff.runtime.lambda.LambdaFunction;
import dev.skiff.runtime.lambda.SkiffHandler;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;

/** The Skiff function as a Micronaut bean, so handlers and the user's own beans can inject it. */
@Factory
public class SkiffBeans {
    /** The plain handler's one instance (no second copy of the models); eager, so init loads the models. */
    @Context
    public LambdaFunction skiffFunction() {
        return SkiffHandler.function();
    }
}
