package dev.skiff.emulator.template;

import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.util.List;
import java.util.Map;

/**
 * Reads a CloudFormation YAML document into plain maps and lists, turning the short intrinsic
 * tags ({@code !Ref X}, {@code !GetAtt A.B}, {@code !Sub ...}) into their long JSON form
 * ({@code {"Ref": "X"}}, {@code {"Fn::GetAtt": ["A", "B"]}}), so later steps see one shape.
 */
public final class CloudFormationYaml {

    private static final List<String> FN_TAGS = List.of(
            "Base64",
            "Cidr",
            "FindInMap",
            "GetAtt",
            "GetAZs",
            "ImportValue",
            "Join",
            "Select",
            "Split",
            "Sub",
            "Transform",
            "And",
            "Equals",
            "If",
            "Not",
            "Or",
            "Length",
            "ToJsonString",
            "ForEach",
            // the Rules section's own functions
            "Contains",
            "EachMemberEquals",
            "EachMemberIn",
            "RefAll",
            "ValueOf",
            "ValueOfAll");

    private CloudFormationYaml() {}

    /** Parses one YAML (or JSON) document; syntax errors become a {@link TemplateException} with the position. */
    public static Object parse(String yaml, String sourceName) {
        LoadSettings settings = LoadSettings.builder()
                .setSchema(new CoreSchema())
                .setLabel(sourceName)
                .setAllowDuplicateKeys(false)
                .build();
        try {
            return new Load(settings, new IntrinsicConstructor(settings)).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new TemplateException(sourceName + " is not valid YAML: " + e.getMessage());
        }
    }

    private static final class IntrinsicConstructor extends StandardConstructor {
        IntrinsicConstructor(LoadSettings settings) {
            super(settings);
            tagConstructors.put(new Tag("!Ref"), node -> Map.of("Ref", plain(node)));
            tagConstructors.put(new Tag("!Condition"), node -> Map.of("Condition", plain(node)));
            for (String name : FN_TAGS) {
                tagConstructors.put(new Tag("!" + name), longForm("Fn::" + name));
            }
            tagConstructors.put(new Tag("!GetAtt"), node -> {
                Object value = plain(node);
                if (value instanceof String dotted) { // !GetAtt Resource.Attribute
                    int dot = dotted.indexOf('.');
                    value = dot < 0 ? List.of(dotted) : List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
                }
                return Map.of("Fn::GetAtt", value);
            });
        }

        private ConstructNode longForm(String function) {
            return node -> Map.of(function, plain(node));
        }

        /** Constructs the node's value as if it carried no tag. */
        private Object plain(Node node) {
            if (node instanceof ScalarNode scalar) {
                return constructScalar(scalar);
            }
            if (node instanceof SequenceNode sequence) {
                return constructSequence(sequence);
            }
            return constructMapping((MappingNode) node);
        }
    }
}
