package dev.skiff.deployer.template;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fragments under templates/deployer/, as the deployer jar carries them, and the one way they
 * are filled. Each is a YAML document: a piece of the stack written at the place it goes, which
 * the renderer merges into the stack. A {@code ((name))} placeholder in any key or value is
 * replaced on the parsed nodes, so a value never changes the document's structure; every
 * placeholder must be given.
 */
public final class TemplateFragments {
    static final String RESOURCE_ROOT = "/dev/skiff/deployer/templates/deployer/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\(\\(([A-Za-z]+)\\)\\)");

    private TemplateFragments() {}

    public static String load(String name) {
        try (InputStream in = TemplateFragments.class.getResourceAsStream(RESOURCE_ROOT + name)) {
            if (in == null)
                throw new IllegalStateException("template fragment " + name + " is missing from the deployer jar; "
                        + "rebuild it (templates/deployer/" + name + ")");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read template fragment " + name, e);
        }
    }

    /**
     * The fragment's nodes with every placeholder filled; a placeholder without a value is a bug in
     * the renderer, so it fails loudly.
     */
    public static MappingNode fill(String name, Map<String, String> values) {
        return fill(name, values, Map.of());
    }

    /**
     * @param nodes values that are YAML themselves: each replaces a scalar that is its placeholder alone
     */
    public static MappingNode fill(String name, Map<String, String> values, Map<String, Node> nodes) {
        if (!(TemplateYaml.parse(load(name), "fragment " + name) instanceof MappingNode fragment)) {
            throw new IllegalStateException("fragment " + name + " must be a YAML mapping");
        }
        return (MappingNode) new Filler(name, values, nodes).fill(fragment);
    }

    private record Filler(String fragment, Map<String, String> values, Map<String, Node> nodes) {
        Node fill(Node node) {
            switch (node) {
                case ScalarNode scalar -> {
                    return fill(scalar);
                }
                case SequenceNode sequence -> sequence.getValue().replaceAll(this::fill);
                case MappingNode mapping -> {
                    List<NodeTuple> entries = new ArrayList<>();
                    for (NodeTuple entry : mapping.getValue()) {
                        entries.add(new NodeTuple(fill(entry.getKeyNode()), fill(entry.getValueNode())));
                    }
                    mapping.setValue(entries);
                }
                default ->
                    throw new IllegalStateException("fragment " + fragment + " holds an anchor or alias; write it out");
            }
            return node;
        }

        private Node fill(ScalarNode scalar) {
            Matcher whole = PLACEHOLDER.matcher(scalar.getValue());
            if (whole.matches() && nodes.containsKey(whole.group(1))) return nodes.get(whole.group(1));
            Matcher matcher = PLACEHOLDER.matcher(scalar.getValue());
            if (!matcher.find()) return scalar;
            StringBuilder text = new StringBuilder();
            do {
                String value = values.get(matcher.group(1));
                if (value == null) {
                    throw new IllegalStateException("fragment " + fragment + " needs ((" + matcher.group(1) + "))");
                }
                matcher.appendReplacement(text, Matcher.quoteReplacement(value));
            } while (matcher.find());
            matcher.appendTail(text);
            return TemplateYaml.withValue(scalar, text.toString());
        }
    }
}
