package dev.skiff.emulator.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions (Ref, Fn::Sub, Fn::GetAtt, Fn::If, Fn::Join,
 * Fn::Select, ...) to the values they have locally. Values the emulator cannot know (an
 * imported output, another stack's attribute) resolve to a placeholder and are reported.
 */
public final class IntrinsicResolver {

    /** What {@code Ref AWS::NoValue} resolves to; removed from the enclosing list or map. */
    private static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> parameters;
    private final Map<String, Object> pseudoParameters;
    private final Map<String, Object> mappings;
    private final Map<String, Object> conditionDefinitions;
    private final Map<String, Boolean> evaluatedConditions = new LinkedHashMap<>();
    private final ResourceValues resources;
    private final List<String> warnings;

    /** How a resource answers Ref and Fn::GetAtt locally. */
    public interface ResourceValues {
        boolean exists(String logicalId);

        Object ref(String logicalId);

        /** @return the attribute's local value, or null when the emulator has none */
        Object attribute(String logicalId, String attribute);
    }

    public IntrinsicResolver(
            Map<String, Object> parameters,
            Map<String, Object> pseudoParameters,
            Map<String, Object> mappings,
            Map<String, Object> conditions,
            ResourceValues resources,
            List<String> warnings) {
        this.parameters = parameters;
        this.pseudoParameters = pseudoParameters;
        this.mappings = mappings;
        this.conditionDefinitions = conditions;
        this.resources = resources;
        this.warnings = warnings;
    }

    /** Resolves every intrinsic function inside {@code value}; {@code where} names it in errors. */
    public Object resolve(Object value, String where) {
        Object resolved = resolveValue(value, where);
        return resolved == NO_VALUE ? null : resolved;
    }

    /** Evaluates the named entry of the template's Conditions section. */
    public boolean condition(String name, String where) {
        Boolean known = evaluatedConditions.get(name);
        if (known != null) {
            return known;
        }
        if (!conditionDefinitions.containsKey(name)) {
            throw new TemplateException(where + ": condition '" + name + "' is not defined in Conditions");
        }
        evaluatedConditions.put(name, false); // guards against a condition that refers to itself
        boolean value = truth(resolveValue(conditionDefinitions.get(name), "Conditions." + name), "Conditions." + name);
        evaluatedConditions.put(name, value);
        return value;
    }

    private Object resolveValue(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                String key = String.valueOf(map.keySet().iterator().next());
                if (key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition")) {
                    return function(key, map.get(key), where);
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                Object resolved = resolveValue(entry.getValue(), where + "." + key);
                if (resolved != NO_VALUE) {
                    result.put(key, resolved);
                }
            }
            return result;
        }
        if (value instanceof List<?> list) {
            List<Object> result = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object resolved = resolveValue(list.get(i), where + "[" + i + "]");
                if (resolved != NO_VALUE) {
                    result.add(resolved);
                }
            }
            return result;
        }
        return value;
    }

    private Object function(String name, Object argument, String where) {
        String at = where + " (" + name + ")";
        return switch (name) {
            case "Ref" -> ref(text(resolveValue(argument, at), at), at);
            case "Condition" -> condition(text(argument, at), at);
            case "Fn::GetAtt" -> getAtt(argument, at);
            case "Fn::Sub" -> sub(argument, at);
            case "Fn::Join" -> {
                List<?> args = list(resolveValue(argument, at), 2, at);
                List<String> parts = new ArrayList<>();
                for (Object part : list(args.get(1), -1, at)) {
                    parts.add(text(part, at));
                }
                yield String.join(text(args.get(0), at), parts);
            }
            case "Fn::Select" -> {
                List<?> args = list(resolveValue(argument, at), 2, at);
                List<?> items = list(args.get(1), -1, at);
                int index = integer(args.get(0), at);
                if (index < 0 || index >= items.size()) {
                    throw new TemplateException(at + ": index " + index + " is outside the list of " + items.size());
                }
                yield items.get(index);
            }
            case "Fn::Split" -> {
                List<?> args = list(resolveValue(argument, at), 2, at);
                yield List.of(text(args.get(1), at).split(Pattern.quote(text(args.get(0), at)), -1));
            }
            case "Fn::If" -> {
                List<?> args = list(argument, 3, at);
                yield condition(text(args.get(0), at), at)
                        ? resolveValue(args.get(1), at)
                        : resolveValue(args.get(2), at);
            }
            case "Fn::Equals" -> {
                List<?> args = list(resolveValue(argument, at), 2, at);
                yield Objects.equals(String.valueOf(args.get(0)), String.valueOf(args.get(1)));
            }
            case "Fn::Not" -> !truth(list(resolveValue(argument, at), 1, at).get(0), at);
            case "Fn::And" -> list(resolveValue(argument, at), -1, at).stream().allMatch(c -> truth(c, at));
            case "Fn::Or" -> list(resolveValue(argument, at), -1, at).stream().anyMatch(c -> truth(c, at));
            case "Fn::FindInMap" -> findInMap(list(resolveValue(argument, at), 3, at), at);
            case "Fn::Base64" ->
                Base64.getEncoder()
                        .encodeToString(text(resolveValue(argument, at), at).getBytes(StandardCharsets.UTF_8));
            case "Fn::GetAZs" -> {
                String region = String.valueOf(pseudoParameters.get("AWS::Region"));
                yield List.of(region + "a", region + "b", region + "c");
            }
            case "Fn::Length" -> list(resolveValue(argument, at), -1, at).size();
            case "Fn::ToJsonString" -> {
                try {
                    yield JSON.writeValueAsString(resolveValue(argument, at));
                } catch (JsonProcessingException e) {
                    throw new TemplateException(at + ": " + e.getOriginalMessage());
                }
            }
            case "Fn::ImportValue" -> {
                String exportName = text(resolveValue(argument, at), at);
                warnings.add(at + ": Fn::ImportValue '" + exportName + "' has no local value; using a placeholder");
                yield "imported:" + exportName;
            }
            default -> throw new TemplateException(at + ": intrinsic function " + name + " is not supported locally");
        };
    }

    private Object ref(String name, String where) {
        if (parameters.containsKey(name)) {
            return parameters.get(name);
        }
        if (name.equals("AWS::NoValue")) {
            return NO_VALUE;
        }
        if (pseudoParameters.containsKey(name)) {
            return pseudoParameters.get(name);
        }
        if (resources.exists(name)) {
            return resources.ref(name);
        }
        throw new TemplateException(
                where + ": Ref '" + name + "' is neither a parameter, a pseudo parameter nor a resource");
    }

    private Object getAtt(Object argument, String where) {
        Object resolved = resolveValue(argument, where);
        List<?> args = resolved instanceof String dotted ? List.of(dotted.split("\\.", 2)) : list(resolved, 2, where);
        if (args.size() != 2) {
            throw new TemplateException(where + ": expected Resource.Attribute, got " + resolved);
        }
        return attribute(text(args.get(0), where), text(args.get(1), where), where);
    }

    private Object attribute(String logicalId, String attribute, String where) {
        if (!resources.exists(logicalId)) {
            throw new TemplateException(
                    where + ": Fn::GetAtt names resource '" + logicalId + "', which the template does not define");
        }
        Object value = resources.attribute(logicalId, attribute);
        if (value == null) {
            warnings.add(where + ": " + logicalId + "." + attribute + " has no local value; using a placeholder");
            return logicalId + "." + attribute;
        }
        return value;
    }

    private String sub(Object argument, String where) {
        String template;
        Map<String, Object> variables = new LinkedHashMap<>();
        if (argument instanceof List<?> args) {
            List<?> pair = list(args, 2, where);
            template = text(pair.get(0), where);
            if (!(pair.get(1) instanceof Map<?, ?> vars)) {
                throw new TemplateException(where + ": the second element of Fn::Sub must be a map of variables");
            }
            vars.forEach((k, v) -> variables.put(String.valueOf(k), resolveValue(v, where + "." + k)));
        } else {
            template = text(argument, where);
        }
        Matcher matcher = SUB_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1).trim();
            String replacement;
            if (name.startsWith("!")) { // ${!Literal} stays as ${Literal}
                replacement = "${" + name.substring(1) + "}";
            } else if (variables.containsKey(name)) {
                replacement = text(variables.get(name), where);
            } else if (name.contains(".") && !parameters.containsKey(name)) {
                String[] parts = name.split("\\.", 2);
                replacement = text(attribute(parts[0], parts[1], where), where);
            } else {
                replacement = text(ref(name, where), where);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private Object findInMap(List<?> args, String where) {
        String mapName = text(args.get(0), where);
        String topKey = text(args.get(1), where);
        String secondKey = text(args.get(2), where);
        if (mappings.get(mapName) instanceof Map<?, ?> map
                && map.get(topKey) instanceof Map<?, ?> inner
                && inner.containsKey(secondKey)) {
            return resolveValue(inner.get(secondKey), where);
        }
        throw new TemplateException(where + ": Mappings has no " + mapName + "." + topKey + "." + secondKey);
    }

    private static List<?> list(Object value, int expectedSize, String where) {
        if (!(value instanceof List<?> list) || (expectedSize >= 0 && list.size() != expectedSize)) {
            throw new TemplateException(
                    where + ": expected a list" + (expectedSize >= 0 ? " of " + expectedSize : "") + ", got " + value);
        }
        return list;
    }

    private static String text(Object value, String where) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw new TemplateException(where + ": expected a string, got " + (value == NO_VALUE ? "AWS::NoValue" : value));
    }

    private static int integer(Object value, String where) {
        try {
            return Integer.parseInt(text(value, where));
        } catch (NumberFormatException e) {
            throw new TemplateException(where + ": expected an integer index, got " + value);
        }
    }

    private static boolean truth(Object value, String where) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new TemplateException(where + ": expected a condition (true or false), got " + value);
    }
}
