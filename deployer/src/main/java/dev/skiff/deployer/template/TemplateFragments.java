package dev.skiff.deployer.template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fragments under templates/deployer/, as the deployer jar carries them, and the one way they
 * are filled: {@code {{name}}} placeholders, every one of which must be given. A fragment for one
 * concern may add to several parts of the stack; each part starts with a {@code #@ part} line.
 */
public final class TemplateFragments {
    static final String RESOURCE_ROOT = "/dev/skiff/deployer/templates/deployer/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z]+)}}");
    private static final Pattern PART = Pattern.compile("(?m)^#@ (\\w+)\\n");

    private TemplateFragments() {}

    public static String load(String name) {
        try (InputStream in = TemplateFragments.class.getResourceAsStream(RESOURCE_ROOT + name)) {
            if (in == null) throw new IllegalStateException("template fragment " + name + " is missing from the deployer jar; "
                    + "rebuild it (templates/deployer/" + name + ")");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read template fragment " + name, e);
        }
    }

    /** Fills a fragment; a placeholder without a value is a bug in the renderer, so it fails loudly. */
    public static String fill(String name, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(load(name));
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) throw new IllegalStateException("fragment " + name + " needs {{" + matcher.group(1) + "}}");
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Fills a fragment and splits it into its {@code #@ part} sections, in order. */
    public static Map<String, String> fillParts(String name, Map<String, String> values) {
        String text = fill(name, values);
        Matcher matcher = PART.matcher(text);
        Map<String, String> parts = new LinkedHashMap<>();
        if (!matcher.find() || matcher.start() != 0) {
            throw new IllegalStateException("fragment " + name + " must start with a '#@ part' line");
        }
        while (true) {
            String part = matcher.group(1);
            int start = matcher.end();
            boolean more = matcher.find();
            parts.put(part, text.substring(start, more ? matcher.start() : text.length()));
            if (!more) return parts;
        }
    }

    /** Indents every line of a fragment written at column 0. */
    static String indent(String text, int spaces) {
        String pad = " ".repeat(spaces);
        return text.lines().map(line -> line.isEmpty() ? line : pad + line).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
    }

    /** A mapping written at column 0 as one item of a YAML list at {@code spaces}. */
    static String listItem(String text, int spaces) {
        String indented = indent(text, spaces + 2);
        return " ".repeat(spaces) + "- " + indented.substring(spaces + 2);
    }
}
