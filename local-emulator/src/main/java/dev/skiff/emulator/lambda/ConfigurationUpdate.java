package dev.skiff.emulator.lambda;

import dev.skiff.emulator.template.FunctionDefinition;

import java.util.Map;

/**
 * UpdateFunctionConfiguration's fields the emulator applies; a null one keeps the current value.
 * The bounds and their messages are Lambda's.
 */
public record ConfigurationUpdate(
        String handler,
        String description,
        Integer memorySize,
        Integer timeoutSeconds,
        Map<String, String> environment) {

    static final int MIN_MEMORY_MB = 128;
    static final int MAX_MEMORY_MB = 10240;
    static final int MAX_TIMEOUT_SECONDS = 900;

    public FunctionDefinition applyTo(FunctionDefinition d) {
        check(memorySize, "memorySize", MIN_MEMORY_MB, MAX_MEMORY_MB);
        check(timeoutSeconds, "timeout", 1, MAX_TIMEOUT_SECONDS);
        return new FunctionDefinition(
                d.logicalId(),
                d.functionName(),
                d.runtime(),
                handler == null ? d.handler() : handler,
                d.code(),
                memorySize == null ? d.memorySize() : memorySize,
                timeoutSeconds == null ? d.timeoutSeconds() : timeoutSeconds,
                environment == null ? d.environment() : Map.copyOf(environment),
                d.reservedConcurrency(),
                d.autoPublishAlias(),
                d.architecture(),
                description == null ? d.description() : description);
    }

    private static void check(Integer value, String member, int min, int max) {
        if (value == null) {
            return;
        }
        if (value < min) {
            throw LambdaServiceException.invalidParameter("1 validation error detected: Value '" + value + "' at '"
                    + member + "' failed to satisfy constraint: Member must have value greater than or equal to "
                    + min);
        }
        if (value > max) {
            throw LambdaServiceException.invalidParameter("1 validation error detected: Value '" + value + "' at '"
                    + member + "' failed to satisfy constraint: Member must have value less than or equal to " + max);
        }
    }
}
