package dev.skiff.runtime.protocol;

import java.util.List;

/** The protocol's model metadata: what a client must send and what it gets back. */
public record ModelMetadata(
        String name, List<String> versions, String platform, List<TensorSpec> inputs, List<TensorSpec> outputs) {}
