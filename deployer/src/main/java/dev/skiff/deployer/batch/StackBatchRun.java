package dev.skiff.deployer.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.deployer.aws.AwsClients;
import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.plan.BatchPlan;
import dev.skiff.deployer.template.TemplateModel;
import dev.skiff.store.Checksums;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.DescribeMapRunResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.MapRunStatus;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * skiff batch on AWS: the stack's Distributed Map state machine over an input in the stack's batch
 * bucket. The execution's name comes from the model, its version and the input's digest, so a
 * rerun of the same input and version finds the same execution (and a failed one is redriven)
 * rather than scoring everything twice.
 */
public final class StackBatchRun {
    static final Duration POLL = Duration.ofSeconds(2);

    /** The SDK clients a run uses. */
    public record Clients(SfnClient sfn, S3Client s3, CloudFormationClient cloudFormation, LambdaClient lambda)
            implements AutoCloseable {
        public Clients(AwsClients aws) {
            this(aws.sfn(), aws.s3(), aws.cloudFormation(), aws.lambda());
        }

        @Override
        public void close() {
            sfn.close();
            s3.close();
            cloudFormation.close();
            lambda.close();
        }
    }

    /**
     * What the stack made for the model: its state machine, the batch bucket, where the version it
     * scores with is read (its function's alias, or the GPU pool's store or image), and the plan's
     * items per batch (the stack's output; the default for a stack deployed before it had one).
     */
    public record StackResources(
            String stateMachineArn, String bucket, LiveVersionSource live, int plannedItemsPerBatch) {
        /** A model on Lambda. */
        public StackResources(String stateMachineArn, String bucket, String functionName, int plannedItemsPerBatch) {
            this(stateMachineArn, bucket, new LiveVersionSource.LambdaAlias(functionName), plannedItemsPerBatch);
        }

        /**
         * The model's resources: with a function (on Lambda, or on either target while it is on
         * Lambda), the machine invokes its alias; without one it is on the GPU pool, where the
         * machine invokes the pool's batch route through the model's invoker.
         */
        public static StackResources find(Clients clients, String stack, String model) {
            String id = TemplateModel.logicalId(model);
            String machine = physicalId(clients, stack, id + "BatchStateMachine", model);
            String bucket = physicalId(clients, stack, "BatchBucket", model);
            String function = optionalPhysicalId(clients, stack, id + "Function");
            Stack described = clients.cloudFormation()
                    .describeStacks(b -> b.stackName(stack))
                    .stacks()
                    .getFirst();
            LiveVersionSource live = function != null
                    ? new LiveVersionSource.LambdaAlias(function)
                    : poolLive(clients, stack, described, model);
            return new StackResources(
                    machine, bucket, live, plannedItemsPerBatch(described, id + "BatchMaxItemsPerBatch"));
        }

        /**
         * The GPU pool's store where the stack names one (PoolStoreBucket), else its image: the tag and
         * the revision of the task definition that runs it.
         */
        private static LiveVersionSource poolLive(Clients clients, String stack, Stack described, String model) {
            Map<String, String> parameters = new HashMap<>();
            described.parameters().forEach(p -> parameters.put(p.parameterKey(), p.parameterValue()));
            String bucket = parameters.getOrDefault("PoolStoreBucket", "");
            if (!bucket.isEmpty()) {
                return new LiveVersionSource.PoolStore(
                        "s3://" + bucket + "/" + parameters.getOrDefault("PoolStorePrefix", ""));
            }
            String taskDefinition = physicalId(clients, stack, "GpuPoolTaskDefinition", model);
            return new LiveVersionSource.PoolImage(
                    parameters.getOrDefault("GpuImageTag", "latest"),
                    taskDefinition.substring(taskDefinition.lastIndexOf(':') + 1));
        }

        private static int plannedItemsPerBatch(Stack stack, String outputKey) {
            return stack.outputs().stream()
                    .filter(output -> output.outputKey().equals(outputKey))
                    .map(output -> Integer.parseInt(output.outputValue()))
                    .findFirst()
                    .orElse(BatchPlan.DEFAULT_MAX_ITEMS_PER_BATCH);
        }

        private static String physicalId(Clients clients, String stack, String logicalId, String model) {
            try {
                return describe(clients, stack, logicalId);
            } catch (CloudFormationException e) {
                throw new UserError("stack " + stack + " has no " + logicalId + " for model '" + model
                        + "': deploy it with a \"batch\" section in the model's config.json ("
                        + e.awsErrorDetails().errorMessage() + ")");
            }
        }

        /**
         * The resource's physical id, or null where the stack has no such resource: CloudFormation's
         * ValidationError "Resource ... does not exist for stack ...". Any other error (Throttling, a
         * stack that does not exist, access denied) is thrown, not read as "on the GPU pool".
         */
        private static String optionalPhysicalId(Clients clients, String stack, String logicalId) {
            try {
                return describe(clients, stack, logicalId);
            } catch (CloudFormationException e) {
                if (isMissingResource(e, logicalId)) return null;
                throw e;
            }
        }

        static boolean isMissingResource(CloudFormationException e, String logicalId) {
            return e.awsErrorDetails() != null
                    && "ValidationError".equals(e.awsErrorDetails().errorCode())
                    && String.valueOf(e.awsErrorDetails().errorMessage())
                            .contains("Resource " + logicalId + " does not exist");
        }

        private static String describe(Clients clients, String stack, String logicalId) {
            return clients.cloudFormation()
                    .describeStackResource(b -> b.stackName(stack).logicalResourceId(logicalId))
                    .stackResourceDetail()
                    .physicalResourceId();
        }
    }

    public record Outcome(BatchSummary summary, Path results, String executionArn) {}

    private final Clients clients;
    private final StackResources stack;
    private final Clock clock;
    private final Duration poll;

    public StackBatchRun(Clients clients, StackResources stack) {
        this(clients, stack, Clock.systemUTC(), POLL);
    }

    StackBatchRun(Clients clients, StackResources stack, Clock clock, Duration poll) {
        this.clients = clients;
        this.stack = stack;
        this.clock = clock;
        this.poll = poll;
    }

    /** The execution's input: where the items are, their format, where results go, what tolerates failure. */
    public record ExecutionInput(
            String bucket, String key, BatchFormat format, String outputPrefix, int batchSize, double tolerated) {
        String json() {
            ObjectNode input = Databind.JSON.createObjectNode();
            input.put("bucket", bucket);
            input.put("key", key);
            input.put("format", format.itemReaderType());
            input.put("outputPrefix", outputPrefix);
            input.put("maxItemsPerBatch", batchSize);
            input.put("toleratedFailurePercentage", tolerated);
            return input.toString();
        }
    }

    /**
     * Letters, digits, '-' and '_', at most 80: Step Functions' rule for execution names. The input's
     * digest always stays whole, so two inputs never share a name; a model and version too long for
     * the rest are cut, and a digest of the whole of them keeps two such cuts apart.
     */
    public static String executionName(String model, String version, String inputDigest) {
        String suffix = "-" + inputDigest.substring(0, 16);
        String head = "skiff-" + model + "-v" + version;
        int room = 80 - suffix.length();
        if (head.length() > room) {
            String headDigest = "-"
                    + Checksums.sha256(head.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            .substring(0, 8);
            head = head.substring(0, room - headDigest.length()) + headDigest;
        }
        return (head + suffix).replaceAll("[^A-Za-z0-9_-]", "-");
    }

    public static StartExecutionRequest startRequest(String stateMachineArn, String name, ExecutionInput input) {
        return StartExecutionRequest.builder()
                .stateMachineArn(stateMachineArn)
                .name(name)
                .input(input.json())
                .build();
    }

    public Outcome run(
            String model,
            String input,
            BatchFormat format,
            int batchSize,
            double tolerated,
            Path output,
            ProgressBar bar,
            PrintWriter out)
            throws IOException, InterruptedException {
        String version = stack.live().live(clients, model);
        if (stack.live() instanceof LiveVersionSource.PoolImage image && "latest".equals(image.imageTag())) {
            out.println("warning: the GPU pool runs image tag 'latest'; an image pushed again under it without a "
                    + "deploy keeps this execution's name, so a rerun would return the old image's results: "
                    + "deploy with a GpuImageTag that names the image");
        }
        Path local = input.startsWith("s3://") ? null : Path.of(input);
        String bucket, key, digest;
        if (local == null) {
            String[] location = s3Location(input);
            digest = clients.s3()
                    .headObject(b -> b.bucket(location[0]).key(location[1]))
                    .eTag()
                    .replace("\"", "");
            digest = Checksums.sha256(digest.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            bucket = stack.bucket();
            key = "batch/" + model + "/inputs/" + digest + "/"
                    + location[1].substring(location[1].lastIndexOf('/') + 1);
            // the state machine may read its own inputs prefix only: an object elsewhere is copied there
            if (!location[0].equals(bucket) || !location[1].equals(key)) copy(location, bucket, key, out);
        } else {
            digest = Checksums.sha256(local);
            bucket = stack.bucket();
            key = "batch/" + model + "/inputs/" + digest + "/" + local.getFileName();
            upload(bucket, key, local, out);
        }
        String name = executionName(model, version, digest);
        ExecutionInput executionInput =
                new ExecutionInput(bucket, key, format, "batch/" + model + "/results/" + name, batchSize, tolerated);
        String executionArn = startOrResume(name, executionInput, out);
        DescribeExecutionResponse finished = follow(executionArn, bar);
        out.println("execution " + name + ": " + finished.statusAsString());
        Path inputCopy = local != null ? local : download(bucket, key, output, out);
        String inputName = inputCopy.getFileName().toString();
        try (ResultFiles files = new ResultFiles(output, inputName, format)) {
            BatchSummary summary = new MapRunResults(clients.s3(), bucket, executionInput.outputPrefix())
                    .write(inputCopy, format, files, tolerated, finished);
            files.writeSummary(summary, model, input);
            return new Outcome(summary, files.out(), executionArn);
        }
    }

    /** Starts the execution, or finds the one this input and version already started, redriving it if it failed. */
    String startOrResume(String name, ExecutionInput input, PrintWriter out) {
        try {
            String arn = clients.sfn()
                    .startExecution(startRequest(stack.stateMachineArn(), name, input))
                    .executionArn();
            out.println("started execution " + name);
            return arn;
        } catch (ExecutionAlreadyExistsException e) {
            String arn = executionArn(stack.stateMachineArn(), name);
            DescribeExecutionResponse existing = clients.sfn().describeExecution(b -> b.executionArn(arn));
            switch (existing.status()) {
                case FAILED, TIMED_OUT, ABORTED -> {
                    clients.sfn().redriveExecution(b -> b.executionArn(arn));
                    out.println("redriving execution " + name + " (it "
                            + existing.statusAsString().toLowerCase(Locale.ROOT)
                            + "): only its unfinished items run again");
                }
                default ->
                    out.println("execution " + name + " already "
                            + existing.statusAsString().toLowerCase(Locale.ROOT) + " for this input and model version");
            }
            return arn;
        }
    }

    /** An execution's ARN: the state machine's, with "execution" for "stateMachine" and the name after it. */
    static String executionArn(String stateMachineArn, String name) {
        return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + name;
    }

    /** Polls the map run's counts into the bar until the execution ends. */
    DescribeExecutionResponse follow(String executionArn, ProgressBar bar) throws InterruptedException {
        while (true) {
            DescribeExecutionResponse execution = clients.sfn().describeExecution(b -> b.executionArn(executionArn));
            var mapRuns =
                    clients.sfn().listMapRuns(b -> b.executionArn(executionArn)).mapRuns();
            DescribeMapRunResponse mapRun = mapRuns.isEmpty()
                    ? null
                    : clients.sfn()
                            .describeMapRun(b -> b.mapRunArn(mapRuns.get(0).mapRunArn()));
            boolean running = execution.status() == ExecutionStatus.RUNNING
                    || execution.status() == ExecutionStatus.PENDING_REDRIVE;
            if (mapRun != null) {
                Progress progress = MapRunProgress.of(mapRun, clock.instant());
                if (running && mapRun.status() == MapRunStatus.RUNNING) bar.show(progress);
                else bar.finish(progress);
            }
            if (!running) return execution;
            Thread.sleep(poll.toMillis());
        }
    }

    private void upload(String bucket, String key, Path file, PrintWriter out) {
        try {
            clients.s3().headObject(b -> b.bucket(bucket).key(key));
            out.println("input already in s3://" + bucket + "/" + key);
        } catch (S3Exception e) {
            if (e.statusCode() != 404) throw e; // HeadObject's 404 comes without NoSuchKey's body
            clients.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
            out.println("uploaded " + file + " to s3://" + bucket + "/" + key);
        }
    }

    /** A server-side copy (CopyObject: up to 5 GB) into the inputs prefix, once per object version. */
    private void copy(String[] from, String bucket, String key, PrintWriter out) {
        try {
            clients.s3().headObject(b -> b.bucket(bucket).key(key));
            out.println("input already in s3://" + bucket + "/" + key);
        } catch (S3Exception e) {
            if (e.statusCode() != 404) throw e;
            clients.s3()
                    .copyObject(b -> b.sourceBucket(from[0])
                            .sourceKey(from[1])
                            .destinationBucket(bucket)
                            .destinationKey(key));
            out.println("copied s3://" + from[0] + "/" + from[1] + " to s3://" + bucket + "/" + key
                    + " (the state machine reads its inputs prefix only)");
        }
    }

    private Path download(String bucket, String key, Path output, PrintWriter out) throws IOException {
        Files.createDirectories(output);
        Path copy = output.resolve(key.substring(key.lastIndexOf('/') + 1));
        try (InputStream in = clients.s3().getObject(b -> b.bucket(bucket).key(key))) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        out.println("read s3://" + bucket + "/" + key + " for the results' row order");
        return copy;
    }

    static String[] s3Location(String uri) {
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) throw new UserError("--input " + uri + " is not s3://BUCKET/KEY");
        return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }
}
