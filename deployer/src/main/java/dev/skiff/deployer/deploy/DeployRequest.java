package dev.skiff.deployer.deploy;

import dev.skiff.deployer.template.TemplateParameters;

import java.util.Map;
import java.util.Set;

/**
 * One deploy: the stack, its rendered template (inline, or the S3 URL it was uploaded to when too
 * big to send inline), the parameter values this deploy gives, and the parameters the template
 * declares (those of the stack it does not give keep their values).
 */
public record DeployRequest(
        String stackName,
        String templateBody,
        String templateUrl,
        Map<String, String> parameters,
        Set<String> templateParameters) {
    /** CloudFormation's limit on an inline TemplateBody. */
    public static final int MAX_TEMPLATE_BODY_BYTES = 51_200;

    public DeployRequest {
        parameters = Map.copyOf(parameters);
        templateParameters = Set.copyOf(templateParameters);
    }

    /** A deploy of a template sent inline, whose declared parameters are read from it. */
    public DeployRequest(String stackName, String templateBody, String templateUrl, Map<String, String> parameters) {
        this(
                stackName,
                templateBody,
                templateUrl,
                parameters,
                templateBody == null ? Set.of() : TemplateParameters.declared(templateBody));
    }
}
