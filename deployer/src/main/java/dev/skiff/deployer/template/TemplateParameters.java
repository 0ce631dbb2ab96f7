package dev.skiff.deployer.template;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

import java.util.LinkedHashSet;
import java.util.Set;

/** The parameters a rendered template declares, for a deploy to know which previous values it may keep. */
public final class TemplateParameters {
    private TemplateParameters() {}

    public static Set<String> declared(String template) {
        Set<String> names = new LinkedHashSet<>();
        if (TemplateYaml.parse(template, "the template") instanceof MappingNode root
                && TemplateYaml.get(root, "Parameters") instanceof MappingNode parameters) {
            for (NodeTuple entry : parameters.getValue()) names.add(TemplateYaml.key(entry));
        }
        return names;
    }
}
