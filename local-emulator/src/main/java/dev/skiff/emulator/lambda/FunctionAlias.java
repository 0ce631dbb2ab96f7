package dev.skiff.emulator.lambda;

import java.util.Map;

/**
 * A named pointer to a version, optionally sending a share of requests to one more version.
 *
 * @param additionalVersionWeights at most one entry: version to weight in [0, 1]
 */
public record FunctionAlias(
        String name,
        String functionVersion,
        Map<String, Double> additionalVersionWeights,
        String description,
        String revisionId) {}
