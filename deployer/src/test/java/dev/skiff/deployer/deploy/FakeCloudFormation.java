package dev.skiff.deployer.deploy;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeAction;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DeleteChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;
import software.amazon.awssdk.services.cloudformation.model.ExecuteChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.ExecuteChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ResourceChange;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudFormation as a test double: records the change-set requests, and plays a scripted stack
 * outcome with its events when the change set executes.
 */
final class FakeCloudFormation implements CloudFormationClient {
    StackStatus existing; // null: the stack does not exist yet
    StackStatus outcome = StackStatus.CREATE_COMPLETE;
    String failedResource; // with a failing outcome: which resource failed, and why
    String failureReason;
    String changeSetFailure; // the change set itself fails with this reason
    final List<CreateChangeSetRequest> created = new ArrayList<>();
    final List<String> executed = new ArrayList<>();
    final List<String> deleted = new ArrayList<>();
    private final List<StackEvent> events = new ArrayList<>(); // newest first, as CloudFormation lists them
    private StackStatus status;
    private int describeCalls;
    /** The stack's parameter values, as the last executed change set left them. */
    final Map<String, String> parameters = new LinkedHashMap<>();

    @Override
    public DescribeStacksResponse describeStacks(DescribeStacksRequest request) {
        StackStatus current = status != null ? status : existing;
        if (current == null) {
            throw CloudFormationException.builder()
                    .statusCode(400)
                    .message("Stack with id " + request.stackName() + " does not exist")
                    .build();
        }
        if (status != null && status.toString().endsWith("_IN_PROGRESS") && ++describeCalls > 2) settle();
        return DescribeStacksResponse.builder()
                .stacks(Stack.builder()
                        .stackName(request.stackName())
                        .stackStatus(status != null ? status : current)
                        .parameters(parameters.entrySet().stream()
                                .map(e -> Parameter.builder()
                                        .parameterKey(e.getKey())
                                        .parameterValue(e.getValue())
                                        .build())
                                .toList())
                        .build())
                .build();
    }

    @Override
    public CreateChangeSetResponse createChangeSet(CreateChangeSetRequest request) {
        created.add(request);
        return CreateChangeSetResponse.builder()
                .id("arn:changeset/" + request.changeSetName())
                .build();
    }

    @Override
    public DescribeChangeSetResponse describeChangeSet(DescribeChangeSetRequest request) {
        if (changeSetFailure != null) {
            return DescribeChangeSetResponse.builder()
                    .status(ChangeSetStatus.FAILED)
                    .statusReason(changeSetFailure)
                    .build();
        }
        return DescribeChangeSetResponse.builder()
                .status(ChangeSetStatus.CREATE_COMPLETE)
                .changes(
                        change("InferenceApi", "AWS::ApiGatewayV2::Api"),
                        change("FraudFunction", "AWS::Lambda::Function"),
                        change("FraudFunctionAliaslive", "AWS::Lambda::Alias"))
                .build();
    }

    @Override
    public ExecuteChangeSetResponse executeChangeSet(ExecuteChangeSetRequest request) {
        executed.add(request.changeSetName());
        CreateChangeSetRequest changeSet = created.stream()
                .filter(c -> c.changeSetName().equals(request.changeSetName()))
                .reduce((a, b) -> b)
                .orElseThrow();
        Map<String, String> next = new LinkedHashMap<>();
        for (Parameter p : changeSet.parameters()) {
            if (Boolean.TRUE.equals(p.usePreviousValue())) {
                if (!parameters.containsKey(p.parameterKey())) {
                    throw CloudFormationException.builder()
                            .statusCode(400)
                            .message("Parameter " + p.parameterKey() + " has no previous value")
                            .build();
                }
                next.put(p.parameterKey(), parameters.get(p.parameterKey()));
            } else {
                next.put(p.parameterKey(), p.parameterValue());
            }
        }
        parameters.clear();
        parameters.putAll(next);
        String stack = request.stackName();
        if (existing == null && status == null) {
            // a new stack sits in REVIEW_IN_PROGRESS from its change set until it executes
            event(stack, stack, "AWS::CloudFormation::Stack", "REVIEW_IN_PROGRESS", "User Initiated");
        }
        status = existing == null ? StackStatus.CREATE_IN_PROGRESS : StackStatus.UPDATE_IN_PROGRESS;
        event(
                stack,
                stack,
                "AWS::CloudFormation::Stack",
                existing == null ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS",
                "User Initiated");
        event(stack, "InferenceApi", "AWS::ApiGatewayV2::Api", "CREATE_IN_PROGRESS", null);
        return ExecuteChangeSetResponse.builder().build();
    }

    private void settle() {
        String stack = "stack";
        event(stack, "InferenceApi", "AWS::ApiGatewayV2::Api", "CREATE_COMPLETE", null);
        if (failedResource != null) {
            event(stack, failedResource, "AWS::Lambda::Function", "CREATE_FAILED", failureReason);
            event(stack, "InferenceApi", "AWS::ApiGatewayV2::Api", "DELETE_COMPLETE", null);
        } else {
            event(stack, "FraudFunction", "AWS::Lambda::Function", "CREATE_COMPLETE", null);
        }
        event(stack, stack, "AWS::CloudFormation::Stack", outcome.toString(), null);
        status = outcome;
    }

    @Override
    public DescribeStackEventsResponse describeStackEvents(DescribeStackEventsRequest request) {
        return DescribeStackEventsResponse.builder().stackEvents(events).build();
    }

    @Override
    public DeleteChangeSetResponse deleteChangeSet(DeleteChangeSetRequest request) {
        deleted.add(request.changeSetName());
        return DeleteChangeSetResponse.builder().build();
    }

    private void event(String stack, String resource, String type, String resourceStatus, String reason) {
        events.addFirst(StackEvent.builder()
                .eventId("e" + events.size())
                .stackName(stack)
                .logicalResourceId(resource)
                .resourceType(type)
                .resourceStatus(resourceStatus) // the string as sent: the SDK enum lacks some values
                .resourceStatusReason(reason)
                .timestamp(Instant.now())
                .build());
    }

    private static Change change(String id, String type) {
        return Change.builder()
                .resourceChange(ResourceChange.builder()
                        .action(ChangeAction.ADD)
                        .logicalResourceId(id)
                        .resourceType(type)
                        .build())
                .build();
    }

    @Override
    public String serviceName() {
        return "cloudformation";
    }

    @Override
    public void close() {}
}
