package dev.skiff.deployer.template;

import org.snakeyaml.engine.v2.comments.CommentLine;
import org.snakeyaml.engine.v2.comments.CommentType;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The normalized comparison that says a rendered template equals a committed one. Both are read
 * as YAML node trees (snakeyaml-engine, comments kept) and must hold the same node kinds, the same
 * tags ({@code !Ref}, {@code !Sub}, ... and the type of every scalar, so {@code 512} and
 * {@code '512'} differ), the same scalar values, mapping entries and sequence items in the same
 * order, and the same comment lines on the same nodes. What a serializer chooses is free:
 * quoting, line folding, flow or block style, indentation and blank lines.
 */
final class YamlTrees {
    private YamlTrees() {}

    /** Where the two differ, each as "path: what", in document order; empty when they are the same. */
    static List<String> differences(String expected, String actual) {
        List<String> found = new ArrayList<>();
        compare("$", TemplateYaml.parse(expected, "expected"), TemplateYaml.parse(actual, "actual"), found);
        return found;
    }

    /** Where two parsed subtrees differ, each as "path: what", the paths starting at {@code path}. */
    static List<String> differences(String path, Node expected, Node actual) {
        List<String> found = new ArrayList<>();
        compare(path, expected, actual, found);
        return found;
    }

    private static void compare(String path, Node expected, Node actual, List<String> found) {
        if (expected.getNodeType() != actual.getNodeType()) {
            found.add(path + ": a " + expected.getNodeType() + " became a " + actual.getNodeType());
            return;
        }
        if (!expected.getTag().equals(actual.getTag())) {
            found.add(path + ": tag " + expected.getTag() + " became " + actual.getTag());
        }
        if (!comments(expected).equals(comments(actual))) {
            found.add(path + ": comments " + comments(expected) + " became " + comments(actual));
        }
        switch (expected) {
            case ScalarNode scalar -> {
                String value = ((ScalarNode) actual).getValue();
                if (!scalar.getValue().equals(value)) {
                    found.add(path + ": '" + scalar.getValue() + "' became '" + value + "'");
                }
            }
            case SequenceNode sequence -> {
                List<Node> want = sequence.getValue(), have = ((SequenceNode) actual).getValue();
                if (want.size() != have.size()) found.add(path + ": " + want.size() + " items became " + have.size());
                for (int i = 0; i < Math.min(want.size(), have.size()); i++) {
                    compare(path + "[" + i + "]", want.get(i), have.get(i), found);
                }
            }
            case MappingNode mapping -> {
                List<NodeTuple> want = mapping.getValue(), have = ((MappingNode) actual).getValue();
                if (want.size() != have.size()) found.add(path + ": " + keys(want) + " became " + keys(have));
                for (int i = 0; i < Math.min(want.size(), have.size()); i++) {
                    String at = path + "." + TemplateYaml.key(want.get(i));
                    compare(at + " (key)", want.get(i).getKeyNode(), have.get(i).getKeyNode(), found);
                    compare(at, want.get(i).getValueNode(), have.get(i).getValueNode(), found);
                }
            }
            default -> found.add(path + ": an anchor or alias, which templates do not use");
        }
    }

    /** A node's comment lines, blank lines left out: "block: text", "in-line: text", "end: text". */
    private static List<String> comments(Node node) {
        List<String> lines = new ArrayList<>();
        add("block", node.getBlockComments(), lines);
        add("in-line", node.getInLineComments(), lines);
        add("end", node.getEndComments(), lines);
        return lines;
    }

    private static void add(String kind, List<CommentLine> comments, List<String> lines) {
        if (comments == null) return;
        for (CommentLine line : comments) {
            if (line.getCommentType() != CommentType.BLANK_LINE) lines.add(kind + ":" + line.getValue());
        }
    }

    private static List<String> keys(List<NodeTuple> entries) {
        return entries.stream().map(TemplateYaml::key).toList();
    }
}
