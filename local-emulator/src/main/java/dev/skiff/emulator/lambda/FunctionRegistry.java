package dev.skiff.emulator.lambda;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The functions the emulator serves, found by name, full or partial ARN, as the Lambda API accepts them. */
public final class FunctionRegistry {

    // name | name:qualifier | 123456789012:function:name[:qualifier] |
    // arn:aws:lambda:region:account:function:name[:qualifier]
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:)?(?:\\d{12}:)?(?:function:)?([a-zA-Z0-9_-]{1,140})(?::(\\$LATEST|[a-zA-Z0-9_-]+))?");

    private final Map<String, LambdaFunction> functions = new LinkedHashMap<>();
    private final String arnPrefix;

    /** @param region and accountId: those of the ARNs in Lambda's messages */
    public FunctionRegistry(String region, String accountId) {
        this.arnPrefix = "arn:aws:lambda:" + region + ":" + accountId + ":function:";
    }

    /** The unqualified ARN of a function of this emulator. */
    public String arn(String functionName) {
        return arnPrefix + functionName;
    }

    public void add(LambdaFunction function) {
        functions.put(function.name(), function);
    }

    public Collection<LambdaFunction> all() {
        return functions.values();
    }

    /** A function and the qualifier its reference carried (or null). */
    public record Reference(LambdaFunction function, String qualifier) {}

    public Reference find(String reference) {
        Matcher matcher = REFERENCE.matcher(reference == null ? "" : reference);
        if (!matcher.matches()) {
            throw LambdaServiceException.invalidParameter(
                    "1 validation error detected: Value '" + reference
                            + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                            + "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
        }
        LambdaFunction function = functions.get(matcher.group(1));
        if (function == null) {
            throw LambdaServiceException.notFound("Function not found: " + arn(matcher.group(1))
                    + " (this emulator serves: " + String.join(", ", functions.keySet()) + ")");
        }
        return new Reference(function, matcher.group(2));
    }
}
