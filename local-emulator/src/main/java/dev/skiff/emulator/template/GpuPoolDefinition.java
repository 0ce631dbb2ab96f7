package dev.skiff.emulator.template;

import java.nio.file.Path;
import java.util.Map;

/**
 * The GPU pool a template's HTTP_PROXY routes reach over a VPC link: its ECS task definition,
 * which the emulator runs on the CPU as a local gpu-fallback server.
 *
 * @param modelRepository the task definition's {@code SkiffLocalModelRepository} metadata, resolved against the template
 * @param environment     the container's environment variables (SKIFF_MODELS and the like)
 */
public record GpuPoolDefinition(String logicalId, Path modelRepository, Map<String, String> environment) {
    /** The Metadata key that tells the emulator where the pool's models are on this machine. */
    public static final String MODELS_METADATA = "SkiffLocalModelRepository";
}
