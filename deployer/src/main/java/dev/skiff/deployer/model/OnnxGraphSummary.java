package dev.skiff.deployer.model;

import java.util.Map;
import java.util.SortedMap;

/**
 * What an ONNX file holds, read from its protobuf without loading it: the weights' size and the
 * operators the graph uses.
 *
 * @param parameterBytes bytes of every initializer (element count times element size), external data included
 * @param parameterCount elements of every initializer
 * @param operators operator type to how many nodes use it (main graph and subgraphs)
 * @param opsets domain ("" for the default one) to opset version
 */
public record OnnxGraphSummary(
        long parameterBytes,
        long parameterCount,
        int initializerCount,
        SortedMap<String, Integer> operators,
        Map<String, Long> opsets) {}
