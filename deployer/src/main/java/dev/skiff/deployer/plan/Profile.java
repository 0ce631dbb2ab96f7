package dev.skiff.deployer.plan;

import dev.skiff.runtime.protocol.TensorSpec;

import java.util.List;

/**
 * A model measured on this machine with one intra-op thread (one vCPU's worth), through the same
 * path a request takes (parse, pipeline, ONNX Runtime, response).
 *
 * @param parallelBatchOne the share of a one-row request that sped up with two threads (Amdahl's p);
 *                         0 when this machine has one core
 * @param parallelMaxBatch the same for a max-batch request
 * @param memoryGrowthMb   resident memory the process grew by while loading and running the model
 */
public record Profile(
        double loadMs,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        LatencyStats batchOne,
        LatencyStats maxBatch,
        double parallelBatchOne,
        double parallelMaxBatch,
        double memoryGrowthMb) {}
