package dev.skiff.deployer.release;

import dev.skiff.runtime.contract.Target;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasConfiguration;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Lambda model's versions and aliases through the Lambda API. The version an alias pointed at
 * before a full promote is kept in the alias's description, so rollback can return to it.
 */
public final class LambdaReleaseChannel implements ReleaseChannel {
    static final String PREVIOUS_MARK = "skiff:previous=";

    private final LambdaClient lambda;
    private final String functionName;

    public LambdaReleaseChannel(LambdaClient lambda, String functionName) {
        this.lambda = lambda;
        this.functionName = functionName;
    }

    @Override
    public Target target() {
        return Target.LAMBDA;
    }

    @Override
    public String location() {
        return functionName;
    }

    @Override
    public List<String> versions() {
        List<String> versions = new ArrayList<>();
        for (FunctionConfiguration v : lambda.listVersionsByFunctionPaginator(b -> b.functionName(functionName))
                .versions()) {
            if (!v.version().equals("$LATEST")) versions.add(v.version());
        }
        versions.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
        return versions;
    }

    @Override
    public List<AliasState> aliases() {
        List<AliasState> aliases = new ArrayList<>();
        for (AliasConfiguration alias :
                lambda.listAliasesPaginator(b -> b.functionName(functionName)).aliases()) {
            aliases.add(route(alias));
        }
        return aliases;
    }

    @Override
    public void setAlias(AliasState route) {
        AliasRoutingConfiguration routing = AliasRoutingConfiguration.builder()
                .additionalVersionWeights(
                        route.hasCanary() ? Map.of(route.canaryVersion(), route.canaryWeight()) : Map.of())
                .build();
        String description = route.previousVersion() == null ? "" : PREVIOUS_MARK + route.previousVersion();
        try {
            lambda.getAlias(b -> b.functionName(functionName).name(route.name()));
        } catch (ResourceNotFoundException e) {
            lambda.createAlias(b -> b.functionName(functionName)
                    .name(route.name())
                    .functionVersion(route.version())
                    .routingConfig(routing)
                    .description(description));
            return;
        }
        lambda.updateAlias(b -> b.functionName(functionName)
                .name(route.name())
                .functionVersion(route.version())
                .routingConfig(routing)
                .description(description));
    }

    static AliasState route(AliasConfiguration alias) {
        String canary = null;
        double weight = 0;
        if (alias.routingConfig() != null && alias.routingConfig().hasAdditionalVersionWeights()) {
            for (Map.Entry<String, Double> entry :
                    alias.routingConfig().additionalVersionWeights().entrySet()) {
                canary = entry.getKey();
                weight = entry.getValue();
            }
        }
        String description = alias.description() == null ? "" : alias.description();
        int mark = description.indexOf(PREVIOUS_MARK);
        String previous = mark < 0
                ? null
                : description.substring(mark + PREVIOUS_MARK.length()).split("\\s")[0];
        return new AliasState(alias.name(), alias.functionVersion(), canary, weight, previous);
    }
}
