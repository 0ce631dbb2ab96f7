package dev.skiff.deployer.deploy;

import java.util.Map;

/**
 * One deploy: the stack, its rendered template (inline, or the S3 URL it was uploaded to when too
 * big to send inline) and the template's parameter values.
 */
public record DeployRequest(String stackName, String templateBody, String templateUrl, Map<String, String> parameters) {
    /** CloudFormation's limit on an inline TemplateBody. */
    public static final int MAX_TEMPLATE_BODY_BYTES = 51_200;
}
