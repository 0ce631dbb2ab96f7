package dev.skiff.deployer.template;

import static dev.skiff.deployer.template.ParsedTemplate.list;
import static dev.skiff.deployer.template.ParsedTemplate.listOrOne;
import static dev.skiff.deployer.template.ParsedTemplate.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.deployer.batch.BatchFormat;
import dev.skiff.deployer.batch.StackBatchRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Each batch state machine, field by field, against the Amazon States Language as AWS documents it
 * (JSONPath query language): the Distributed Map fields
 * (docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html), ItemReader
 * (input-output-itemreader.html), ItemBatcher (input-output-itembatcher.html), ResultWriter
 * (input-output-resultwriter.html), retriers (concepts-error-handling.html), the Lambda errors to
 * retry (bp-lambda-serviceexception.html); and its role, statement by statement, against the
 * permissions the Distributed Map page lists for those fields, scoped to this machine's model.
 */
class BatchStateMachineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Fields each state type may have; QueryLanguage, Assign and the JSONata fields are left out: Skiff uses JSONPath. */
    static final Set<String> COMMON = Set.of("Type", "Comment", "InputPath", "OutputPath", "Next", "End");

    static final Map<String, Set<String>> STATE_FIELDS = Map.of(
            "Choice", Set.of("Type", "Comment", "InputPath", "OutputPath", "Choices", "Default"),
            "Task",
                    union(
                            COMMON,
                            "Resource",
                            "Parameters",
                            "ResultPath",
                            "ResultSelector",
                            "Retry",
                            "Catch",
                            "TimeoutSeconds",
                            "TimeoutSecondsPath",
                            "HeartbeatSeconds",
                            "HeartbeatSecondsPath",
                            "Credentials"),
            "Map",
                    union(
                            COMMON,
                            "ItemProcessor",
                            "ItemReader",
                            "ItemsPath",
                            "ItemSelector",
                            "ItemBatcher",
                            "ResultWriter",
                            "ResultPath",
                            "ResultSelector",
                            "MaxConcurrency",
                            "MaxConcurrencyPath",
                            "ToleratedFailurePercentage",
                            "ToleratedFailurePercentagePath",
                            "ToleratedFailureCount",
                            "ToleratedFailureCountPath",
                            "Label",
                            "Retry",
                            "Catch"));

    static final Set<String> ITEM_PROCESSOR = Set.of("Comment", "ProcessorConfig", "StartAt", "States");
    static final Set<String> PROCESSOR_CONFIG = Set.of("Mode", "ExecutionType");
    static final Set<String> ITEM_READER = Set.of("Resource", "ReaderConfig", "Parameters");
    static final Set<String> READER_CONFIG =
            Set.of("InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath");
    static final Set<String> ITEM_BATCHER = Set.of(
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
            "BatchInput");
    static final Set<String> RESULT_WRITER = Set.of("Resource", "Parameters", "WriterConfig");
    static final Set<String> RETRIER =
            Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy");
    /** The Lambda errors AWS's best practice says to retry: throttling, and the service's transient failures. */
    static final Set<String> LAMBDA_SERVICE_ERRORS =
            Set.of("Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException");
    /** A child workflow's input, an ItemBatcher batch, may not exceed 256 KiB. */
    static final int MAX_BATCH_BYTES = 262_144;

    static final Pattern INPUT_PATH = Pattern.compile("^\\$\\.([A-Za-z]+)$");

    static Stream<Arguments> machines() throws IOException {
        List<Arguments> found = new ArrayList<>();
        for (ParsedTemplate template : List.of(
                ParsedTemplate.parse("sam/template.yaml", Files.readString(SamApplicationTemplateTest.SAM_TEMPLATE)),
                ParsedTemplate.parse("rendered examples", ExampleStack.render()),
                ParsedTemplate.parse("rendered GPU-pool model", Renderings.gpuPoolBatch()))) {
            template.resources("AWS::Serverless::StateMachine")
                    .forEach((id, machine) -> found.add(Arguments.of(template.name() + " " + id, template, id)));
        }
        assertEquals(
                5, found.size(), "fraud's and minilm's, in sam/template.yaml and in the rendering; llm's on the pool");
        return found.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("machines")
    void theDefinitionIsADistributedMapInDocumentedFieldsOnly(String name, ParsedTemplate template, String id) {
        Map<String, Object> properties = template.properties(id);
        assertEquals("STANDARD", properties.get("Type"), "a Distributed Map runs in a STANDARD parent workflow");
        Map<String, Object> definition = map(properties.get("Definition"));
        Map<String, Object> states = checkGraph(name, definition);

        List<String> maps = new ArrayList<>();
        states.forEach((stateName, value) -> {
            Map<String, Object> state = map(value);
            String where = name + " " + stateName;
            String type = String.valueOf(state.get("Type"));
            assertTrue(STATE_FIELDS.containsKey(type), where + ": a " + type + " state");
            assertDocumented(where, STATE_FIELDS.get(type), state);
            if (type.equals("Map")) {
                checkDistributedMap(where, state);
                maps.add(stateName);
            }
            if (type.equals("Choice")) checkChoice(where, state, states);
        });
        assertEquals(2, maps.size(), name + ": one Map state for CSV and one for JSONL");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("machines")
    void theDefinitionReadsOnlyWhatSkiffBatchStartsItWith(String name, ParsedTemplate template, String id) {
        String startInput = StackBatchRun.startRequest(
                        "arn:aws:states:us-east-1:1:stateMachine:s",
                        "n",
                        new StackBatchRun.ExecutionInput("b", "k", BatchFormat.CSV, "p", 1000, 0))
                .input();
        Set<String> sent = new TreeSet<>();
        readTree(startInput).fieldNames().forEachRemaining(sent::add);
        Set<String> read = new TreeSet<>();
        collectInputPaths(map(template.properties(id).get("Definition")), read);
        assertEquals(sent, read, name + ": the fields the parent execution reads are the fields skiff batch sends");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("machines")
    void theRoleGrantsOnlyWhatTheMapNeedsForItsOwnModel(String name, ParsedTemplate template, String id) {
        Map<String, Object> properties = template.properties(id);
        String logicalId = id.substring(0, id.length() - "BatchStateMachine".length());
        String model = map(map(properties.get("Definition")).get("States")).values().stream()
                .map(ParsedTemplate::map)
                .filter(state -> "Map".equals(state.get("Type")))
                .map(state -> String.valueOf(
                        map(map(state.get("ItemBatcher")).get("BatchInput")).get("model_name")))
                .findFirst()
                .orElseThrow();
        String roleId = logicalId + "BatchRole";
        assertEquals(Map.of("Fn::GetAtt", List.of(roleId, "Arn")), properties.get("Role"), name);
        String machineName = String.valueOf(map(properties.get("Name")).get("Fn::Sub"));
        assertEquals("${AWS::StackName}-" + logicalId + "Batch", machineName, name);
        // a model on the GPU pool alone has no function: its machine invokes its batch invoker;
        // a model on either target invokes its function's alias on Lambda, its invoker's on the pool
        boolean function = template.resources().containsKey(logicalId + "Function");
        boolean invoker = template.resources().containsKey(logicalId + "BatchInvoker");
        assertTrue(function || invoker, name + ": " + logicalId + " has nothing to invoke");
        Object functionAlias = Map.of("Ref", logicalId + "Function.Alias");
        Object invokerAlias = Map.of("Ref", logicalId + "BatchInvoker.Alias");
        Object alias = function && invoker
                ? Map.of("Fn::If", List.of(logicalId + "OnGpuPool", invokerAlias, functionAlias))
                : function ? functionAlias : invokerAlias;
        assertEquals(Map.of("FunctionAlias", alias), properties.get("DefinitionSubstitutions"), name);

        Map<String, Object> role = template.properties(roleId);
        Map<String, Object> trust = map(
                list(map(role.get("AssumeRolePolicyDocument")).get("Statement")).get(0));
        assertEquals(Map.of("Service", "states.amazonaws.com"), trust.get("Principal"), name);
        assertEquals("sts:AssumeRole", trust.get("Action"));
        assertFalse(role.containsKey("ManagedPolicyArns"), name + ": no managed policy widens the role");

        String bucketPrefix = "${BatchBucket.Arn}/batch/" + model + "/";
        String machineArn = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:" + machineName;
        String executions =
                "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:" + machineName + "/*";
        // what each action may touch: the Distributed Map page's list, scoped to this model
        Map<String, Object> expected = Map.of(
                "lambda:InvokeFunction", alias,
                "s3:GetObject", Set.of(bucketPrefix + "inputs/*", bucketPrefix + "results/*"),
                "s3:PutObject", bucketPrefix + "results/*",
                "s3:ListMultipartUploadParts", bucketPrefix + "results/*",
                "s3:AbortMultipartUpload", bucketPrefix + "results/*",
                "states:StartExecution", machineArn,
                "states:DescribeExecution", executions,
                "states:StopExecution", executions,
                "states:RedriveExecution", executions);
        Map<String, Set<Object>> granted = new java.util.TreeMap<>();
        List<?> policies = list(role.get("Policies"));
        assertEquals(1, policies.size(), name);
        for (Object statement :
                list(map(map(policies.get(0)).get("PolicyDocument")).get("Statement"))) {
            Map<String, Object> s = map(statement);
            assertEquals("Allow", s.get("Effect"), name);
            assertFalse(s.containsKey("NotAction") || s.containsKey("NotResource"), name + ": " + s);
            for (Object action : listOrOne(s.get("Action"))) {
                assertFalse(String.valueOf(action).contains("*"), name + ": a wildcard action " + action);
                for (Object resource : listOrOne(s.get("Resource"))) {
                    Object plain = resource instanceof Map<?, ?> sub && sub.containsKey("Fn::Sub")
                            ? sub.get("Fn::Sub")
                            : resource;
                    granted.computeIfAbsent(String.valueOf(action), a -> new HashSet<>())
                            .add(plain);
                }
            }
        }
        assertEquals(expected.keySet(), granted.keySet(), name + ": the actions the role allows");
        expected.forEach((action, resources) -> assertEquals(
                resources instanceof Set<?> set ? set : Set.of(resources),
                granted.get(action),
                name + ": what " + action + " may touch"));
    }

    /** The pool's batch invoker: in the pool's subnets, sends only to its load balancer, may only log and join the VPC. */
    @org.junit.jupiter.api.Test
    void aPoolModelsInvokerReachesOnlyThePoolsLoadBalancer() {
        ParsedTemplate template = ParsedTemplate.parse("rendered GPU-pool model", Renderings.gpuPoolBatch());
        Map<String, Object> invoker = template.properties("LlmBatchInvoker");
        assertEquals("live", invoker.get("AutoPublishAlias"), "the machine invokes the published alias");
        assertEquals(Map.of("Fn::GetAtt", List.of("LlmBatchInvokerRole", "Arn")), invoker.get("Role"));
        assertFalse(invoker.containsKey("Policies"), "no SAM policy templates widen the role");
        Map<String, Object> vpc = map(invoker.get("VpcConfig"));
        assertEquals(
                map(template.properties("GpuPoolLoadBalancer")).get("Subnets"),
                vpc.get("SubnetIds"),
                "the load balancer's subnets");
        assertEquals(List.of(Map.of("Ref", "LlmBatchInvokerSecurityGroup")), vpc.get("SecurityGroupIds"));
        Map<String, Object> variables = map(map(invoker.get("Environment")).get("Variables"));
        assertEquals(Map.of("Fn::Sub", "http://${GpuPoolLoadBalancer.DNSName}"), variables.get("SKIFF_POOL_URL"));
        String code = String.valueOf(invoker.get("InlineCode"));
        assertTrue(code.contains("\"/v2/models/\" + model + \"/versions/\" + version + \"/batch\""), code);

        // network: nothing out but port 80 to the load balancer, which lets it in on port 80
        Map<String, Object> group = template.properties("LlmBatchInvokerSecurityGroup");
        assertEquals(
                List.of(Map.of("IpProtocol", "-1", "CidrIp", "127.0.0.1/32", "Description", "no other outbound")),
                group.get("SecurityGroupEgress"));
        assertEquals(
                Map.of(
                        "GroupId",
                        Map.of("Ref", "LlmBatchInvokerSecurityGroup"),
                        "IpProtocol",
                        "tcp",
                        "FromPort",
                        80,
                        "ToPort",
                        80,
                        "DestinationSecurityGroupId",
                        Map.of("Ref", "GpuPoolLoadBalancerSecurityGroup")),
                template.properties("LlmBatchInvokerToLoadBalancer"));
        assertEquals(
                Map.of(
                        "GroupId",
                        Map.of("Ref", "GpuPoolLoadBalancerSecurityGroup"),
                        "IpProtocol",
                        "tcp",
                        "FromPort",
                        80,
                        "ToPort",
                        80,
                        "SourceSecurityGroupId",
                        Map.of("Ref", "LlmBatchInvokerSecurityGroup")),
                template.properties("LlmLoadBalancerFromBatchInvoker"));

        // IAM: its own log group, and the network interfaces Lambda makes in the VPC (EC2 scopes these to * only)
        Map<String, Object> role = template.properties("LlmBatchInvokerRole");
        assertFalse(role.containsKey("ManagedPolicyArns"), "no managed policy widens the role");
        assertEquals(
                Map.of("Service", "lambda.amazonaws.com"),
                map(list(map(role.get("AssumeRolePolicyDocument")).get("Statement"))
                                .get(0))
                        .get("Principal"));
        Map<String, Set<Object>> granted = new java.util.TreeMap<>();
        for (Object statement : list(map(map(list(role.get("Policies")).get(0)).get("PolicyDocument"))
                .get("Statement"))) {
            Map<String, Object> st = map(statement);
            assertEquals("Allow", st.get("Effect"));
            for (Object action : listOrOne(st.get("Action")))
                for (Object resource : listOrOne(st.get("Resource")))
                    granted.computeIfAbsent(String.valueOf(action), a -> new HashSet<>())
                            .add(resource);
        }
        Object logGroup = Map.of("Fn::GetAtt", List.of("LlmBatchInvokerLogGroup", "Arn"));
        Map<String, Set<Object>> expected = new java.util.TreeMap<>();
        expected.put("logs:CreateLogStream", Set.of(logGroup));
        expected.put("logs:PutLogEvents", Set.of(logGroup));
        for (String action : List.of(
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses")) expected.put(action, Set.of("*"));
        assertEquals(expected, granted, "the invoker role's actions and what each may touch");
    }

    /** The states, after checking StartAt, every Next and Default name a state, and every state is reached. */
    private static Map<String, Object> checkGraph(String where, Map<String, Object> machine) {
        Map<String, Object> states = map(machine.get("States"));
        String start = String.valueOf(machine.get("StartAt"));
        assertTrue(states.containsKey(start), where + ": StartAt " + start);
        Set<String> reached = new HashSet<>();
        ArrayDeque<String> next = new ArrayDeque<>(List.of(start));
        while (!next.isEmpty()) {
            String stateName = next.poll();
            if (!reached.add(stateName)) continue;
            Map<String, Object> state = map(states.get(stateName));
            List<Object> targets = new ArrayList<>();
            if (state.containsKey("Next")) targets.add(state.get("Next"));
            if (state.containsKey("Default")) targets.add(state.get("Default"));
            if (state.containsKey("Choices")) list(state.get("Choices")).forEach(c -> targets.add(map(c).get("Next")));
            boolean terminal = Boolean.TRUE.equals(state.get("End"));
            assertTrue(
                    terminal != state.containsKey("Next") || "Choice".equals(state.get("Type")),
                    where + " " + stateName + ": exactly one of Next and End");
            for (Object target : targets) {
                assertTrue(states.containsKey(String.valueOf(target)), where + " " + stateName + " -> " + target);
                next.add(String.valueOf(target));
            }
        }
        assertEquals(states.keySet(), reached, where + ": every state is reached");
        return states;
    }

    private static void checkDistributedMap(String where, Map<String, Object> state) {
        for (String field : List.of("ItemProcessor", "ItemReader", "ItemBatcher", "ResultWriter", "MaxConcurrency")) {
            assertNotNull(state.get(field), where + ": " + field);
        }
        assertTrue(
                state.containsKey("ToleratedFailurePercentage") || state.containsKey("ToleratedFailurePercentagePath"),
                where + ": a failure threshold");

        Map<String, Object> processor = map(state.get("ItemProcessor"));
        assertDocumented(where + " ItemProcessor", ITEM_PROCESSOR, processor);
        Map<String, Object> config = map(processor.get("ProcessorConfig"));
        assertDocumented(where + " ProcessorConfig", PROCESSOR_CONFIG, config);
        assertEquals("DISTRIBUTED", config.get("Mode"), where);
        assertTrue(Set.of("STANDARD", "EXPRESS").contains(config.get("ExecutionType")), where);

        Map<String, Object> reader = map(state.get("ItemReader"));
        assertDocumented(where + " ItemReader", ITEM_READER, reader);
        assertEquals("arn:aws:states:::s3:getObject", reader.get("Resource"), where);
        Map<String, Object> readerConfig = map(reader.get("ReaderConfig"));
        assertDocumented(where + " ReaderConfig", READER_CONFIG, readerConfig);
        String inputType = String.valueOf(readerConfig.get("InputType"));
        assertTrue(Set.of("CSV", "JSONL").contains(inputType), where + ": InputType " + inputType);
        if (inputType.equals("CSV")) assertEquals("FIRST_ROW", readerConfig.get("CSVHeaderLocation"), where);
        else assertFalse(readerConfig.containsKey("CSVHeaderLocation"), where + ": CSV fields on " + inputType);
        assertEquals(Set.of("Bucket.$", "Key.$"), map(reader.get("Parameters")).keySet(), where);

        Map<String, Object> batcher = map(state.get("ItemBatcher"));
        assertDocumented(where + " ItemBatcher", ITEM_BATCHER, batcher);
        assertTrue(batcher.containsKey("MaxItemsPerBatch") || batcher.containsKey("MaxItemsPerBatchPath"), where);
        int bytes = ((Number) batcher.get("MaxInputBytesPerBatch")).intValue();
        assertTrue(bytes > 0 && bytes <= MAX_BATCH_BYTES, where + ": MaxInputBytesPerBatch " + bytes);
        Map<String, Object> batchInput = map(batcher.get("BatchInput"));
        assertEquals(Set.of("model_name", "model_version"), batchInput.keySet(), where + ": what BatchEvent reads");
        assertEquals("live", batchInput.get("model_version"), where);

        int concurrency = ((Number) state.get("MaxConcurrency")).intValue();
        assertTrue(concurrency >= 1 && concurrency <= 10_000, where + ": MaxConcurrency " + concurrency);

        Map<String, Object> writer = map(state.get("ResultWriter"));
        assertDocumented(where + " ResultWriter", RESULT_WRITER, writer);
        assertEquals("arn:aws:states:::s3:putObject", writer.get("Resource"), where);
        assertEquals(
                Set.of("Bucket.$", "Prefix.$"), map(writer.get("Parameters")).keySet(), where);

        Map<String, Object> children = checkGraph(where + " ItemProcessor", processor);
        assertEquals(1, children.size(), where + ": one child state");
        Map<String, Object> task = map(children.values().iterator().next());
        assertEquals("Task", task.get("Type"), where);
        assertDocumented(where + " Task", STATE_FIELDS.get("Task"), task);
        assertEquals("arn:aws:states:::lambda:invoke", task.get("Resource"), where);
        assertEquals(
                Map.of("FunctionName", "${FunctionAlias}", "Payload.$", "$"),
                task.get("Parameters"),
                where + ": the batch event goes to the alias as it is");
        assertEquals("$.Payload", task.get("OutputPath"), where + ": the function's answer is the item's result");
        checkRetries(where, list(task.get("Retry")));
    }

    private static void checkRetries(String where, List<?> retriers) {
        Set<String> retried = new HashSet<>();
        for (Object value : retriers) {
            Map<String, Object> retrier = map(value);
            assertDocumented(where + " Retry", RETRIER, retrier);
            for (Object error : list(retrier.get("ErrorEquals"))) retried.add(String.valueOf(error));
            double backoff = ((Number) retrier.get("BackoffRate")).doubleValue();
            assertTrue(backoff > 1, where + ": backs off (BackoffRate " + backoff + ")");
            assertTrue(((Number) retrier.get("IntervalSeconds")).intValue() >= 1, where);
            int attempts = ((Number) retrier.get("MaxAttempts")).intValue();
            assertTrue(attempts >= 2 && attempts <= 10, where + ": MaxAttempts " + attempts);
            assertEquals("FULL", retrier.get("JitterStrategy"), where + ": jittered, so throttled children spread out");
            assertFalse(list(retrier.get("ErrorEquals")).contains("States.ALL"), where + ": a bad batch is no retry");
        }
        assertTrue(retried.contains("Lambda.TooManyRequestsException"), where + ": retries throttling");
        assertTrue(retried.containsAll(LAMBDA_SERVICE_ERRORS), where + ": retries " + LAMBDA_SERVICE_ERRORS);
    }

    private static void checkChoice(String where, Map<String, Object> state, Map<String, Object> states) {
        Set<String> formats = new TreeSet<>();
        for (Object choice : list(state.get("Choices"))) {
            Map<String, Object> rule = map(choice);
            assertEquals(Set.of("Variable", "StringEquals", "Next"), rule.keySet(), where);
            formats.add(String.valueOf(rule.get("StringEquals")));
            assertEquals(
                    rule.get("StringEquals"),
                    inputType(states, rule.get("Next")),
                    where + ": the branch reads the format it was chosen for");
        }
        assertEquals("CSV", inputType(states, state.get("Default")), where + ": CSV unless the input says JSONL");
        for (String format : formats)
            assertEquals(format, BatchFormat.valueOf(format).itemReaderType(), where);
    }

    private static Object inputType(Map<String, Object> states, Object stateName) {
        return map(map(map(states.get(String.valueOf(stateName))).get("ItemReader"))
                        .get("ReaderConfig"))
                .get("InputType");
    }

    /** The top-level fields of the parent execution's input that paths outside the child workflows read. */
    private static void collectInputPaths(Object node, Set<String> read) {
        if (node instanceof Map<?, ?> object) {
            object.forEach((key, value) -> {
                if (key.equals("ItemProcessor")) return; // a child reads its own batch, not the execution's input
                if (value instanceof String text
                        && (String.valueOf(key).endsWith(".$")
                                || String.valueOf(key).endsWith("Path")
                                || key.equals("Variable"))) {
                    Matcher path = INPUT_PATH.matcher(text);
                    assertTrue(path.matches(), key + ": " + text + " is not a top-level field of the input");
                    read.add(path.group(1));
                }
                collectInputPaths(value, read);
            });
        } else if (node instanceof List<?> items) {
            items.forEach(item -> collectInputPaths(item, read));
        }
    }

    private static void assertDocumented(String where, Set<String> documented, Map<String, Object> object) {
        Set<String> unknown = new TreeSet<>(object.keySet());
        unknown.removeAll(documented);
        assertTrue(unknown.isEmpty(), where + ": fields AWS does not document here: " + unknown);
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
