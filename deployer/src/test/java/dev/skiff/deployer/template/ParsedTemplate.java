package dev.skiff.deployer.template;

import dev.skiff.emulator.template.CloudFormationYaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A template read with CloudFormation's intrinsic tags, and the few lookups the tests repeat. */
record ParsedTemplate(String name, Map<String, Object> root) {

    static ParsedTemplate parse(String name, String yaml) {
        return new ParsedTemplate(name, map(CloudFormationYaml.parse(yaml, name)));
    }

    Map<String, Object> resources() {
        return map(root.get("Resources"));
    }

    /** Every resource of a type, by logical id. */
    Map<String, Map<String, Object>> resources(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources().forEach((id, resource) -> {
            if (type.equals(map(resource).get("Type"))) found.put(id, map(resource));
        });
        return found;
    }

    Map<String, Object> properties(String logicalId) {
        return map(map(resources().get(logicalId)).get("Properties"));
    }

    Map<String, Object> parameter(String name) {
        return map(map(root.get("Parameters")).get(name));
    }

    /** The HTTP API's OpenAPI body. */
    Map<String, Object> apiBody() {
        return map(properties("InferenceApi").get("DefinitionBody"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (!(value instanceof Map<?, ?>)) throw new AssertionError("expected a mapping, got " + value);
        return (Map<String, Object>) value;
    }

    static List<?> list(Object value) {
        if (!(value instanceof List<?> list)) throw new AssertionError("expected a list, got " + value);
        return list;
    }

    /** A scalar or a list of them as a list. */
    static List<?> listOrOne(Object value) {
        return value instanceof List<?> list ? list : List.of(value);
    }
}
