package dev.skiff.deployer.template;

/**
 * What the rendered stack needs besides its models.
 *
 * @param architecture        the default of the Architecture parameter: what the code packages were built for
 * @param localPoolModels     the GPU pool's model repository as the local emulator finds it, relative to the template
 */
public record StackOptions(String architecture, String localPoolModels) {}
