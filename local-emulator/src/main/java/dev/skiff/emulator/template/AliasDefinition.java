package dev.skiff.emulator.template;

/** An {@code AWS::Lambda::Alias} of a function in the template; locally it starts on version 1, as the deploy would. */
public record AliasDefinition(String logicalId, String functionName, String name) {}
