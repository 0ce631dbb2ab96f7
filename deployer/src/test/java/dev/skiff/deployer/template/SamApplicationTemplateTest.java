package dev.skiff.deployer.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * sam/template.yaml is what templates/deployer renders for the example models, compared as
 * {@link YamlTrees} states: the same nodes, tags, values, order and comments; quoting, folding
 * and blank lines are the serializer's.
 */
class SamApplicationTemplateTest {
    static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    static final Path SAM_TEMPLATE = REPOSITORY.resolve("sam/template.yaml");

    @Test
    void samTemplateIsWhatTheFragmentsRenderForTheExampleModels() throws Exception {
        List<String> differences = YamlTrees.differences(Files.readString(SAM_TEMPLATE), ExampleStack.render());
        assertEquals(
                List.of(),
                differences,
                "sam/template.yaml differs from what the fragments render; "
                        + "render it again: bin/run-main deployer dev.skiff.deployer.template.ExampleStack");
    }

    @Test
    void theComparisonSeesValuesTagsTypesOrderAndCommentsButNotPresentation() throws Exception {
        String sam = Files.readString(SAM_TEMPLATE);
        assertEquals(
                List.of(),
                YamlTrees.differences(sam, TemplateYaml.write(TemplateYaml.parse(sam, "sam"))),
                "written back by the serializer, the template is the same tree");
        String folded = "      Lambda architecture of every model function; "
                + "the code package's ONNX Runtime natives must be built for it.";
        String refolded = "      Lambda architecture of every model function;\n"
                + "      the code package's ONNX Runtime natives must be built for it.";
        assertEquals(
                List.of(),
                YamlTrees.differences(sam, changed(sam, folded, refolded)),
                "a folded description wrapped elsewhere is the same text");
        String quoted = changed(sam, "Runtime: !Ref 'Runtime'", "Runtime: !Ref Runtime");
        assertEquals(List.of(), YamlTrees.differences(sam, quoted), "quoting is the serializer's");

        assertDiffers(
                sam,
                "    Default: arm64\n",
                "    Default: x86_64\n",
                "$.Parameters.Architecture.Default: 'arm64' became 'x86_64'");
        assertDiffers(sam, "Runtime: !Ref 'Runtime'", "Runtime: !Sub 'Runtime'", "tag !Ref became !Sub");
        assertDiffers(
                sam,
                "      MemorySize: 512\n",
                "      MemorySize: '512'\n",
                "MemorySize: tag tag:yaml.org,2002:int became");
        String comment = "      # the model loads and is primed during init, so a restored snapshot answers at once\n";
        assertDiffers(sam, comment, "", ".SnapStart (key): comments [block: the model loads");
        String deletion = "    DeletionPolicy: Retain\n";
        String replacement = "    UpdateReplacePolicy: Retain\n";
        assertDiffers(
                sam,
                deletion + replacement,
                replacement + deletion,
                "$.Resources.ApiAccessLogs.DeletionPolicy (key): 'DeletionPolicy' became 'UpdateReplacePolicy'");
    }

    private static void assertDiffers(String sam, String from, String to, String expected) {
        List<String> differences = YamlTrees.differences(sam, changed(sam, from, to));
        assertTrue(
                differences.stream().anyMatch(d -> d.contains(expected)),
                "expected a difference like '" + expected + "': " + differences);
    }

    private static String changed(String text, String from, String to) {
        assertTrue(text.contains(from), "sam/template.yaml no longer holds " + from);
        return text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }
}
