package dev.skiff.runtime.testing.vectors;

import dev.skiff.runtime.contract.Target;
import org.junit.jupiter.params.provider.ArgumentsSource;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Runs a {@code @ParameterizedTest} once per protocol vector, passing a {@link ProtocolVector}:
 * <pre>{@code
 * @ParameterizedTest(name = "{0}")
 * @ProtocolVectorSource(targets = {Target.LAMBDA, Target.GPU_POOL}, excludeTags = "text")
 * void answersAlike(ProtocolVector vector) { ... }
 * }</pre>
 * Every selection must leave a vector: a misspelled tag fails the test instead of running nothing.
 */
@java.lang.annotation.Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ArgumentsSource(ProtocolVectorsProvider.class)
public @interface ProtocolVectorSource {
    /** The targets that must all serve a vector; none: every vector. */
    Target[] targets() default {};

    /** Only vectors with one of these tags; none: any. */
    String[] tags() default {};

    /** No vector with one of these tags. */
    String[] excludeTags() default {};

    /**
     * A vector set in the built-in's format: a class path resource, relative to the test class
     * unless it starts with /, its bodyFiles in requests/ beside it. Empty: Skiff's own set.
     */
    String resource() default "";
}
