package dev.skiff.emulator.template;

import java.nio.file.Path;
import java.util.Map;

/**
 * An {@code AWS::Serverless::Function} as the emulator runs it, after Globals and intrinsic
 * functions were applied.
 *
 * @param code the CodeUri: a directory in Lambda's layout, or a .zip of one
 * @param reservedConcurrency ReservedConcurrentExecutions, or null when the template sets none
 * @param autoPublishAlias the alias SAM publishes and points at version 1, or null
 */
public record FunctionDefinition(
        String logicalId,
        String functionName,
        String runtime,
        String handler,
        Path code,
        int memorySize,
        int timeoutSeconds,
        Map<String, String> environment,
        Integer reservedConcurrency,
        String autoPublishAlias,
        String architecture,
        String description) {}
