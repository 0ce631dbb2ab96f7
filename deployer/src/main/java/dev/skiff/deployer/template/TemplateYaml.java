package dev.skiff.deployer.template;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.comments.CommentLine;
import org.snakeyaml.engine.v2.comments.CommentType;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * CloudFormation YAML as snakeyaml-engine nodes: read with its comments and its short tags
 * ({@code !Ref}, {@code !Sub}, ...) kept on the nodes, built, merged, and written back by the
 * library's serializer. One schema (YAML 1.2 core) reads and writes, so a scalar keeps its type.
 */
final class TemplateYaml {
    private static final ScalarResolver RESOLVER = new CoreSchema().getScalarResolver();
    private static final DumpSettings DUMP = DumpSettings.builder()
            .setSchema(new CoreSchema())
            .setDumpComments(true)
            // block sequences indented under their key, as CloudFormation's examples write them
            .setIndent(2)
            .setIndicatorIndent(2)
            .setIndentWithIndicator(true)
            // one line per scalar and flow collection: a reader searches the template for what it holds
            .setSplitLines(false)
            .build();
    /** The emitter indents the blank lines it keeps; a blank line needs no spaces. */
    private static final Pattern INDENTED_BLANK_LINE = Pattern.compile("(?m)^ +$");

    private TemplateYaml() {}

    /** One YAML document with its comments (blank lines are kept as comments too). */
    static Node parse(String yaml, String label) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(label)
                .setSchema(new CoreSchema())
                .setParseComments(true)
                .build();
        try {
            return new Compose(settings)
                    .composeString(yaml)
                    .orElseThrow(() -> new IllegalStateException(label + " holds no YAML document"));
        } catch (YamlEngineException e) {
            throw new IllegalStateException(label + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static String write(Node document) {
        StringBuilder out = new StringBuilder();
        new Dump(DUMP).dumpNode(document, new StreamDataWriter() {
            @Override
            public void write(String text) {
                out.append(text);
            }

            @Override
            public void write(String text, int offset, int length) {
                out.append(text, offset, offset + length);
            }
        });
        return INDENTED_BLANK_LINE.matcher(out).replaceAll("");
    }

    /** A scalar whose type its text decides, as a plain scalar in a file would: "512" is a number, "fraud" a string. */
    static ScalarNode plain(String value) {
        return new ScalarNode(RESOLVER.resolve(value, true), value, ScalarStyle.PLAIN);
    }

    /**
     * {@code value} in place of {@code scalar}: the same style, comments and explicit tag, or the type
     * its new text decides.
     */
    static ScalarNode withValue(ScalarNode scalar, String value) {
        Tag tag = scalar.isResolved() ? RESOLVER.resolve(value, scalar.isPlain()) : scalar.getTag();
        ScalarNode replaced = new ScalarNode(
                tag, scalar.isResolved(), value, scalar.getScalarStyle(), Optional.empty(), Optional.empty());
        replaced.setBlockComments(scalar.getBlockComments());
        replaced.setInLineComments(scalar.getInLineComments());
        replaced.setEndComments(scalar.getEndComments());
        return replaced;
    }

    /** A short-form intrinsic in flow style: {@code tagged("!Equals", a, b)} is {@code !Equals [a, b]}. */
    static SequenceNode tagged(String tag, List<Node> arguments) {
        return new SequenceNode(
                new Tag(tag), false, new ArrayList<>(arguments), FlowStyle.FLOW, Optional.empty(), Optional.empty());
    }

    /** A short-form intrinsic of one scalar: {@code !Ref X}, {@code !Condition C}. */
    static ScalarNode tagged(String tag, String argument) {
        return new ScalarNode(new Tag(tag), false, argument, ScalarStyle.PLAIN, Optional.empty(), Optional.empty());
    }

    static SequenceNode blockSequence(List<Node> items) {
        return new SequenceNode(Tag.SEQ, new ArrayList<>(items), FlowStyle.BLOCK);
    }

    /** A block mapping of one entry. */
    static MappingNode mapping(String key, Node value) {
        List<NodeTuple> entries = new ArrayList<>();
        entries.add(new NodeTuple(plain(key), value));
        return new MappingNode(Tag.MAP, entries, FlowStyle.BLOCK);
    }

    static <N extends Node> N withInlineComment(N node, String comment) {
        CommentLine line = new CommentLine(Optional.empty(), Optional.empty(), " " + comment, CommentType.IN_LINE);
        node.setInLineComments(List.of(line));
        return node;
    }

    /** The scalar key of an entry; a template's keys are always scalars. */
    static String key(NodeTuple entry) {
        if (!(entry.getKeyNode() instanceof ScalarNode key)) {
            throw new IllegalStateException("a mapping key that is not a scalar");
        }
        return key.getValue();
    }

    /** The value at {@code key}, or null. */
    static Node get(MappingNode mapping, String key) {
        for (NodeTuple entry : mapping.getValue()) {
            if (key(entry).equals(key)) return entry.getValueNode();
        }
        return null;
    }

    /** The mapping at a path of keys below {@code root}. */
    static MappingNode mappingAt(MappingNode root, List<String> path) {
        MappingNode at = root;
        for (String key : path) {
            if (!(get(at, key) instanceof MappingNode next)) {
                throw new IllegalStateException("no mapping at " + String.join(".", path));
            }
            at = next;
        }
        return at;
    }

    /**
     * Adds every entry of {@code from} to {@code into}: a key both hold as mappings is merged in turn,
     * any other key both hold is a clash. New keys come after the ones there, in {@code from}'s order.
     *
     * @param where names {@code into} in the clash's message
     */
    static void merge(MappingNode into, MappingNode from, String where) {
        // a part the skeleton leaves empty ({}) is written as the fragment writes it: in block style
        if (into.getValue().isEmpty()) into.setFlowStyle(from.getFlowStyle());
        for (NodeTuple entry : from.getValue()) {
            String key = key(entry);
            Node there = get(into, key);
            if (there == null) {
                into.getValue().add(entry);
            } else if (there instanceof MappingNode both && entry.getValueNode() instanceof MappingNode added) {
                merge(both, added, where + "." + key);
            } else {
                throw new IllegalStateException(where + "." + key + " is defined twice");
            }
        }
    }

    /** Puts {@code key} right after the entry {@code after} of {@code mapping}, or last when it has none. */
    static void putAfter(MappingNode mapping, String after, String key, Node value) {
        List<NodeTuple> entries = mapping.getValue();
        int at = entries.size();
        for (int i = 0; i < entries.size(); i++) {
            if (key(entries.get(i)).equals(after)) at = i + 1;
        }
        entries.add(at, new NodeTuple(plain(key), value));
    }

    /** Puts {@code key} first in {@code mapping}, or right after its {@code Type} when it has one. */
    static void putAfterType(MappingNode mapping, String key, Node value) {
        int at = 0;
        List<NodeTuple> entries = mapping.getValue();
        for (int i = 0; i < entries.size(); i++) {
            if (key(entries.get(i)).equals("Type")) at = i + 1;
        }
        entries.add(at, new NodeTuple(plain(key), value));
    }
}
