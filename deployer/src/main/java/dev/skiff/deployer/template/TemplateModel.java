package dev.skiff.deployer.template;

import java.util.List;

/**
 * A model as the template needs it.
 *
 * @param codeUri where the function's .zip is: an s3:// URI for AWS, a local path for the emulator; null for the pool
 */
public record TemplateModel(String name, boolean lambda, String codeUri, Integer memoryMb, String architecture,
                            List<String> versions) {

    /** A CloudFormation logical id from a model name: letters and digits only, "text-embed_2" -> "TextEmbed2". */
    public String logicalId() {
        StringBuilder id = new StringBuilder();
        boolean upper = true;
        for (char c : name.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128) {
                id.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        if (id.isEmpty() || !Character.isLetter(id.charAt(0))) id.insert(0, "Model");
        return id.toString();
    }
}
