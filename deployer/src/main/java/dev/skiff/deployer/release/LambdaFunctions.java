package dev.skiff.deployer.release;

import dev.skiff.deployer.cli.UserError;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the Lambda function of each model: the one whose SKIFF_MODELS names it (and, with a stack
 * given, whose SKIFF_STACK is that stack), as the rendered template sets them.
 */
public final class LambdaFunctions {
    private LambdaFunctions() {}

    /** Model name to function name, for every Skiff function the account (or emulator) has. */
    public static Map<String, String> byModel(LambdaClient lambda, String stack) {
        Map<String, String> functions = new LinkedHashMap<>();
        for (FunctionConfiguration f : lambda.listFunctionsPaginator().functions()) {
            Map<String, String> env = f.environment() == null || f.environment().variables() == null
                    ? Map.of()
                    : f.environment().variables();
            String models = env.get("SKIFF_MODELS");
            if (models == null || models.isBlank()) continue;
            if (stack != null && env.containsKey("SKIFF_STACK") && !stack.equals(env.get("SKIFF_STACK"))) continue;
            for (String model :
                    Arrays.stream(models.split(",")).map(String::trim).toList()) {
                String other = functions.putIfAbsent(model, f.functionName());
                if (other != null && !other.equals(f.functionName())) {
                    throw new UserError("model '" + model + "' is served by two functions, " + other + " and "
                            + f.functionName() + "; name the stack with --stack or the function with --function");
                }
            }
        }
        return functions;
    }

    public static String of(LambdaClient lambda, String model, String stack) {
        Map<String, String> functions = byModel(lambda, stack);
        String function = functions.get(model);
        if (function == null) {
            throw new UserError(
                    "no Lambda function serves model '" + model + "'" + (stack == null ? "" : " in stack " + stack)
                            + (functions.isEmpty()
                                    ? "; deploy it first (skiff deploy)"
                                    : "; Lambda models: " + String.join(", ", functions.keySet()))
                            + "; for a GPU-pool model pass --pool-store");
        }
        return function;
    }
}
