package dev.skiff.deployer.template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fragments under templates/deployer/, as the deployer jar carries them, and the one way they
 * are filled: {@code {{name}}} placeholders, every one of which must be given.
 */
public final class TemplateFragments {
    static final String RESOURCE_ROOT = "/dev/skiff/deployer/templates/deployer/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z]+)}}");

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
        String text = load(name);
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) throw new IllegalStateException("fragment " + name + " needs {{" + matcher.group(1) + "}}");
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
