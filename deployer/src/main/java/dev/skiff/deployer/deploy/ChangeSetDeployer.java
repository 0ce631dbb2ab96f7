package dev.skiff.deployer.deploy;

import dev.skiff.deployer.cli.ExitCodes;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.report.TextTable;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ResourceChange;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Creates or updates a stack through a change set: creates it, shows its changes, asks (unless
 * told yes), executes it and follows the stack's events until the stack settles; on failure, says
 * which resources failed and why.
 */
public final class ChangeSetDeployer {
    static final List<Capability> CAPABILITIES =
            List.of(Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM, Capability.CAPABILITY_AUTO_EXPAND);

    private static final String REVIEW_IN_PROGRESS = "REVIEW_IN_PROGRESS";

    private final CloudFormationClient cloudFormation;
    private final PrintWriter out;
    private final Duration pollInterval;
    private final Duration timeout;

    public ChangeSetDeployer(
            CloudFormationClient cloudFormation, PrintWriter out, Duration pollInterval, Duration timeout) {
        this.cloudFormation = cloudFormation;
        this.out = out;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    /** @param confirm asked once the changes are shown; true to execute */
    public DeployOutcome deploy(DeployRequest request, BooleanSupplier confirm) {
        Optional<Stack> existing = stack(request.stackName());
        existing.ifPresent(stack -> checkDeployable(request.stackName(), stack.stackStatusAsString()));
        boolean create =
                existing.isEmpty() || existing.get().stackStatusAsString().equals(REVIEW_IN_PROGRESS);
        String changeSetName =
                "skiff-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);
        List<String> previous = create
                ? List.of()
                : existing.get().parameters().stream()
                        .map(Parameter::parameterKey)
                        .toList();
        cloudFormation.createChangeSet(changeSetRequest(request, changeSetName, create, previous));
        out.printf(
                "Creating change set %s for %s stack %s ...%n",
                changeSetName, create ? "new" : "existing", request.stackName());
        out.flush();

        DescribeChangeSetResponse changeSet = awaitChangeSet(request.stackName(), changeSetName);
        if (changeSet.status() == ChangeSetStatus.FAILED) {
            String reason = String.valueOf(changeSet.statusReason());
            if (reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")) {
                out.println("No changes: stack " + request.stackName() + " already matches.");
                cloudFormation.deleteChangeSet(
                        b -> b.stackName(request.stackName()).changeSetName(changeSetName));
                return DeployOutcome.NO_CHANGES;
            }
            out.println("The change set failed: " + reason);
            return DeployOutcome.FAILED;
        }
        printChanges(changeSet.changes());
        if (!confirm.getAsBoolean()) {
            cloudFormation.deleteChangeSet(b -> b.stackName(request.stackName()).changeSetName(changeSetName));
            out.println("Declined; the change set was deleted and the stack is unchanged.");
            return DeployOutcome.DECLINED;
        }
        Instant executedAt = Instant.now().minusSeconds(5); // clocks differ a little; events are filtered by id too
        cloudFormation.executeChangeSet(b -> b.stackName(request.stackName()).changeSetName(changeSetName));
        out.println("Executing " + changeSetName + " ...");
        out.flush();
        String finalStatus = new StackEventFollower(cloudFormation, out, pollInterval, timeout)
                .follow(request.stackName(), executedAt, changeSet.changes().size());
        boolean succeeded = finalStatus.equals("CREATE_COMPLETE") || finalStatus.equals("UPDATE_COMPLETE");
        out.println((succeeded ? "Stack " + request.stackName() + " is " : "Stack " + request.stackName() + " failed: ")
                + finalStatus);
        if (succeeded) printOutputs(request.stackName());
        out.flush();
        return succeeded ? DeployOutcome.DEPLOYED : DeployOutcome.FAILED;
    }

    /** The CreateChangeSet request for a rendered template: tests compare it with the template. */
    public static CreateChangeSetRequest changeSetRequest(DeployRequest request, String changeSetName, boolean create) {
        return changeSetRequest(request, changeSetName, create, List.of());
    }

    /**
     * @param previous the parameters the stack has now: each one this deploy does not give and the
     *     template still declares keeps its value (UsePreviousValue), as {@code aws cloudformation deploy} does
     */
    public static CreateChangeSetRequest changeSetRequest(
            DeployRequest request, String changeSetName, boolean create, List<String> previous) {
        List<Parameter> parameters = new ArrayList<>();
        request.parameters()
                .forEach((k, v) -> parameters.add(
                        Parameter.builder().parameterKey(k).parameterValue(v).build()));
        for (String key : previous) {
            if (!request.parameters().containsKey(key)
                    && request.templateParameters().contains(key)) {
                parameters.add(Parameter.builder()
                        .parameterKey(key)
                        .usePreviousValue(true)
                        .build());
            }
        }
        CreateChangeSetRequest.Builder builder = CreateChangeSetRequest.builder()
                .stackName(request.stackName())
                .changeSetName(changeSetName)
                .changeSetType(create ? ChangeSetType.CREATE : ChangeSetType.UPDATE)
                .capabilities(CAPABILITIES)
                .parameters(parameters)
                .tags(Tag.builder()
                        .key("skiff:stack")
                        .value(request.stackName())
                        .build())
                .description("skiff deploy");
        if (request.templateUrl() != null) builder.templateURL(request.templateUrl());
        else builder.templateBody(request.templateBody());
        return builder.build();
    }

    private Optional<Stack> stack(String name) {
        try {
            return cloudFormation.describeStacks(b -> b.stackName(name)).stacks().stream()
                    .findFirst();
        } catch (CloudFormationException e) {
            if (String.valueOf(e.getMessage()).contains("does not exist")) return Optional.empty();
            throw e;
        }
    }

    /** The stack's parameter values now, or none when it does not exist: what a deploy that omits them keeps. */
    public Map<String, String> currentParameters(String stackName) {
        Map<String, String> values = new LinkedHashMap<>();
        stack(stackName)
                .ifPresent(stack -> stack.parameters().forEach(p -> values.put(p.parameterKey(), p.parameterValue())));
        return values;
    }

    private static void checkDeployable(String name, String status) {
        if (status.equals("ROLLBACK_COMPLETE") || status.equals("ROLLBACK_FAILED") || status.equals("DELETE_FAILED")) {
            throw new UserError(
                    "stack " + name + " is " + status + " after a failed create and cannot be updated; delete it "
                            + "(aws cloudformation delete-stack --stack-name " + name + ") and deploy again",
                    ExitCodes.DEPLOY_FAILED);
        }
        if (status.equals("UPDATE_ROLLBACK_FAILED")) {
            throw new UserError(
                    "stack " + name + " is UPDATE_ROLLBACK_FAILED; continue the rollback (aws cloudformation "
                            + "continue-update-rollback --stack-name " + name + ") and deploy again",
                    ExitCodes.DEPLOY_FAILED);
        }
        if (status.endsWith("_IN_PROGRESS") && !status.equals(REVIEW_IN_PROGRESS)) {
            throw new UserError(
                    "stack " + name + " is " + status + "; wait for it to finish (skiff status, or the "
                            + "CloudFormation console) and deploy again",
                    ExitCodes.DEPLOY_FAILED);
        }
    }

    private DescribeChangeSetResponse awaitChangeSet(String stack, String name) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            DescribeChangeSetResponse response =
                    cloudFormation.describeChangeSet(b -> b.stackName(stack).changeSetName(name));
            if (response.status() == ChangeSetStatus.CREATE_COMPLETE || response.status() == ChangeSetStatus.FAILED) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new UserError(
                        "change set " + name + " is still " + response.statusAsString() + " after "
                                + timeout.toSeconds() + " s; look at it in the CloudFormation console",
                        ExitCodes.DEPLOY_FAILED);
            }
            StackEventFollower.sleep(pollInterval);
        }
    }

    private void printChanges(List<Change> changes) {
        out.println("Changes:");
        TextTable table = new TextTable("ACTION", "LOGICAL ID", "TYPE", "REPLACEMENT");
        for (Change change : changes) {
            ResourceChange r = change.resourceChange();
            if (r == null) continue;
            table.row(
                    r.actionAsString(),
                    r.logicalResourceId(),
                    r.resourceType(),
                    r.replacementAsString() == null ? "" : r.replacementAsString());
        }
        table.print(out, "  ");
        out.flush();
    }

    private void printOutputs(String name) {
        stack(name)
                .ifPresent(stack ->
                        stack.outputs().forEach(o -> out.println("  " + o.outputKey() + " = " + o.outputValue())));
    }
}
