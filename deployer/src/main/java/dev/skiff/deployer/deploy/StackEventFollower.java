package dev.skiff.deployer.deploy;

import dev.skiff.deployer.cli.ExitCodes;
import dev.skiff.deployer.cli.UserError;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints a stack's events as they happen, with a count of resources done, until the stack
 * settles; then, if it failed, each failed resource and CloudFormation's reason.
 */
final class StackEventFollower {
    private final CloudFormationClient cloudFormation;
    private final PrintWriter out;
    private final Duration pollInterval;
    private final Duration timeout;
    private final Set<String> seen = new HashSet<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Set<String> done = new HashSet<>();

    StackEventFollower(CloudFormationClient cloudFormation, PrintWriter out, Duration pollInterval, Duration timeout) {
        this.cloudFormation = cloudFormation;
        this.out = out;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    /** @return the stack's settled status as AWS names it (a string: the SDK's enum lags new values) */
    String follow(String stack, Instant since, int expectedResources) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            printNewEvents(stack, since, expectedResources);
            String status = cloudFormation
                    .describeStacks(b -> b.stackName(stack))
                    .stacks()
                    .getFirst()
                    .stackStatusAsString();
            if (!status.endsWith("_IN_PROGRESS")) {
                printNewEvents(stack, since, expectedResources);
                if (!failures.isEmpty()) {
                    out.println("Failed resources:");
                    failures.forEach((resource, reason) -> out.println("  " + resource + ": " + reason));
                }
                return status;
            }
            if (System.nanoTime() > deadline) {
                throw new UserError(
                        "stack " + stack + " is still " + status + " after " + timeout.toMinutes() + " min; skiff "
                                + "stopped watching, CloudFormation goes on (skiff status, or the console)",
                        ExitCodes.DEPLOY_FAILED);
            }
            sleep(pollInterval);
        }
    }

    private void printNewEvents(String stack, Instant since, int expectedResources) {
        List<StackEvent> fresh = new ArrayList<>();
        for (StackEvent event :
                cloudFormation.describeStackEvents(b -> b.stackName(stack)).stackEvents()) { // newest first
            if (event.timestamp() != null && event.timestamp().isBefore(since)) break;
            if (seen.add(event.eventId())) fresh.add(event);
        }
        for (StackEvent event : fresh.reversed()) {
            String resource = event.logicalResourceId();
            // as AWS names it: REVIEW_IN_PROGRESS and newer statuses are not in the SDK's enum
            String name = String.valueOf(event.resourceStatusAsString());
            if (name.endsWith("_COMPLETE") && !resource.equals(stack)) done.add(resource);
            if (name.endsWith("_FAILED")
                    && event.resourceStatusReason() != null
                    && !event.resourceStatusReason().contains("Resource creation cancelled")) {
                failures.putIfAbsent(resource + " (" + event.resourceType() + ")", event.resourceStatusReason());
            }
            out.printf(
                    "  [%d/%d] %-24s %-36s %s%s%n",
                    done.size(),
                    Math.max(expectedResources, done.size()),
                    name,
                    resource,
                    event.resourceType(),
                    event.resourceStatusReason() == null ? "" : "  " + event.resourceStatusReason());
        }
        out.flush();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted; CloudFormation goes on without skiff watching", ExitCodes.DEPLOY_FAILED);
        }
    }
}
