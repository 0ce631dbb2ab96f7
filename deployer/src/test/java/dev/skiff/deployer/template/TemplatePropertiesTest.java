package dev.skiff.deployer.template;

import static dev.skiff.deployer.template.ParsedTemplate.list;
import static dev.skiff.deployer.template.ParsedTemplate.listOrOne;
import static dev.skiff.deployer.template.ParsedTemplate.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.monitoring.scheduled.MonitoringKeys;
import dev.skiff.runtime.capture.Capturer;
import dev.skiff.runtime.contract.StackModels;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What the production templates promise, checked on the parsed template. */
class TemplatePropertiesTest {
    /** IAM actions that take no resource but "*"; none of them reads or writes data. */
    static final Set<String> RESOURCE_LESS_ACTIONS = Set.of("ecr:GetAuthorizationToken", "ecs:DiscoverPollEndpoint");
    /** What a function in a VPC needs for its network interfaces; EC2 takes no narrower resource (AWS's VPC guide). */
    static final Set<String> VPC_NETWORK_INTERFACE_ACTIONS = Set.of(
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses");

    static Stream<Arguments> templates() throws IOException {
        return Stream.of(
                Arguments.of(
                        "sam/template.yaml",
                        ParsedTemplate.parse("sam", Files.readString(SamApplicationTemplateTest.SAM_TEMPLATE))),
                Arguments.of("Lambda models only", ParsedTemplate.parse("lambda", Renderings.lambdaOnly())),
                Arguments.of("a GPU-pool model only", ParsedTemplate.parse("pool", Renderings.gpuPoolOnly())),
                Arguments.of(
                        "capturing models on both targets",
                        ParsedTemplate.parse("capture", Renderings.gpuPoolCapture())),
                Arguments.of("12 models on either target", ParsedTemplate.parse("either", Renderings.manyEither(12))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void everyRouteHasAnIntegrationAndAnAuthorizer(String name, ParsedTemplate template) {
        Map<String, Object> body = template.apiBody();
        Map<String, Object> components = map(body.get("components"));
        Map<String, Object> integrations = map(components.get("x-amazon-apigateway-integrations"));
        Map<String, Object> schemes = map(components.get("securitySchemes"));
        int operations = 0;
        for (Map.Entry<String, Object> path : map(body.get("paths")).entrySet()) {
            for (Map.Entry<String, Object> operation : map(path.getValue()).entrySet()) {
                String route = operation.getKey().toUpperCase() + " " + path.getKey();
                Map<String, Object> op = map(operation.getValue());
                String ref = String.valueOf(
                        map(op.get("x-amazon-apigateway-integration")).get("$ref"));
                String integration = ref.substring(ref.lastIndexOf('/') + 1);
                assertTrue(
                        ref.startsWith("#/components/x-amazon-apigateway-integrations/")
                                && integrations.containsKey(integration),
                        route + " has no integration of this API: " + ref);
                for (Object target : branches(integrations.get(integration))) {
                    assertTrue(
                            Set.of("aws_proxy", "http_proxy")
                                    .contains(map(target).get("type")),
                            route + " -> " + target);
                    assertNotNull(map(target).get("uri"), route);
                }
                List<?> security = list(op.get("security"));
                assertFalse(security.isEmpty(), route + " has no authorizer");
                for (Object requirement : security) {
                    for (String scheme : map(requirement).keySet()) {
                        assertTrue(
                                schemes.containsKey(scheme),
                                route + " names authorizer " + scheme + ", which is not defined");
                        for (Object kind : branches(schemes.get(scheme))) assertAuthorizer(route, map(kind));
                    }
                }
                operations++;
            }
        }
        assertTrue(operations >= 9, name + ": " + operations + " routes");
        // the choice is IAM or JWT, IAM unless someone picks JWT; there is no value for "open"
        assertEquals(List.of("AWS_IAM", "JWT"), template.parameter("AuthType").get("AllowedValues"));
        assertEquals("AWS_IAM", template.parameter("AuthType").get("Default"));
        assertTrue(map(template.root().get("Rules")).containsKey("JwtNeedsIssuerAndAudience"));
    }

    private static void assertAuthorizer(String route, Map<String, Object> scheme) {
        boolean sigv4 = "awsSigv4".equals(scheme.get("x-amazon-apigateway-authtype"));
        boolean jwt = scheme.get("x-amazon-apigateway-authorizer") instanceof Map<?, ?> authorizer
                && "jwt".equals(authorizer.get("type"))
                && map(authorizer.get("jwtConfiguration")).containsKey("issuer")
                && map(authorizer.get("jwtConfiguration")).containsKey("audience");
        assertTrue(sigv4 || jwt, route + ": authorizer " + scheme + " is neither SigV4 nor a JWT authorizer");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void everyFunctionHasSnapStartItsAliasAndItsAlarms(String name, ParsedTemplate template) {
        Map<String, Map<String, Object>> functions = template.resources("AWS::Serverless::Function");
        Map<String, Map<String, Object>> alarms = template.resources("AWS::CloudWatch::Alarm");
        for (Map.Entry<String, Map<String, Object>> entry : functions.entrySet()) {
            String id = entry.getKey();
            Map<String, Object> p = map(entry.getValue().get("Properties"));
            if (id.endsWith("DriftFunction")) continue; // a scheduled check, not a model's function: see below
            if (id.endsWith("BatchInvoker")) continue; // forwards batches to the pool: BatchStateMachineTest
            assertEquals(Map.of("ApplyOn", "PublishedVersions"), p.get("SnapStart"), id);
            assertEquals("live", p.get("AutoPublishAlias"), id);
            assertEquals(Map.of("Ref", "Runtime"), p.get("Runtime"), id);
            assertEquals(List.of(Map.of("Ref", "Architecture")), p.get("Architectures"), id);
            assertEquals("JSON", map(p.get("LoggingConfig")).get("LogFormat"), id);
            assertTrue(
                    p.get("MemorySize") instanceof Integer && p.get("Timeout") instanceof Integer,
                    id + ": memory and timeout as planned");
            String jvm = String.valueOf(
                    map(map(p.get("Environment")).get("Variables")).get("JAVA_TOOL_OPTIONS"));
            assertTrue(jvm.contains("-XX:TieredStopAtLevel=1"), id + ": " + jvm);

            Map<String, Object> deployment = map(p.get("DeploymentPreference"));
            assertEquals(Map.of("Ref", "DeploymentType"), deployment.get("Type"), id);
            Set<String> metrics = new java.util.HashSet<>();
            for (Object alarmRef : list(deployment.get("Alarms"))) {
                String alarmId = String.valueOf(map(alarmRef).get("Ref"));
                Map<String, Object> alarm = map(map(alarms.get(alarmId)).get("Properties"));
                List<?> dimensions = list(alarm.get("Dimensions"));
                assertTrue(dimensions.contains(Map.of("Name", "FunctionName", "Value", Map.of("Ref", id))), alarmId);
                assertTrue(
                        dimensions.contains(Map.of(
                                "Name",
                                "ExecutedVersion",
                                "Value",
                                Map.of("Fn::GetAtt", List.of(id, "Version.Version")))),
                        alarmId + " watches only the version being deployed");
                metrics.add(alarm.get("MetricName")
                        + (alarm.containsKey("ExtendedStatistic") ? " " + alarm.get("ExtendedStatistic") : ""));
            }
            assertEquals(Set.of("Errors", "Duration p99"), metrics, id + "'s rollback alarms");

            // its own role, so SAM adds no managed policy; API Gateway may invoke its live alias
            assertTrue(map(p.get("Role")).containsKey("Fn::GetAtt"), id);
            assertFalse(p.containsKey("Policies"), id);
            assertTrue(
                    template.resources("AWS::Lambda::Permission").values().stream()
                            .anyMatch(permission -> Map.of("Ref", id + ".Alias")
                                    .equals(map(permission.get("Properties")).get("FunctionName"))),
                    id);
        }
        assertEquals(List.of("java21", "java25"), template.parameter("Runtime").get("AllowedValues"));
        assertEquals("java21", template.parameter("Runtime").get("Default"));
        assertTrue(String.valueOf(template.parameter("DeploymentType").get("Default"))
                .startsWith("Canary"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void theGrpcListenerIsHttpsToAGrpcTargetGroupCheckedByServerReady(String name, ParsedTemplate template) {
        if (!template.resources().containsKey("GpuPoolService")) {
            assertFalse(template.resources().containsKey("GpuPoolGrpcListener"), name);
            return;
        }
        Map<String, Object> targets = template.properties("GpuPoolGrpcTargetGroup");
        assertEquals("GRPC", targets.get("ProtocolVersion"));
        assertEquals(8001, targets.get("Port"));
        assertEquals("/inference.GRPCInferenceService/ServerReady", targets.get("HealthCheckPath"));
        assertEquals(Map.of("GrpcCode", "0"), targets.get("Matcher"));
        Map<String, Object> listener = template.properties("GpuPoolGrpcListener");
        assertEquals("HTTPS", listener.get("Protocol"), "an ALB carries gRPC over HTTPS only");
        assertEquals(
                List.of(Map.of("CertificateArn", Map.of("Ref", "GpuPoolGrpcCertificateArn"))),
                listener.get("Certificates"));
        assertEquals(
                "GpuPoolGrpcEnabled",
                map(template.resources().get("GpuPoolGrpcListener")).get("Condition"));
        assertEquals("", template.parameter("GpuPoolGrpcCertificateArn").get("Default"), "off unless asked for");
        Map<String, Object> container =
                map(list(template.properties("GpuPoolTaskDefinition").get("ContainerDefinitions"))
                        .getFirst());
        assertTrue(list(container.get("Environment")).contains(Map.of("Name", "SKIFF_GRPC_PORT", "Value", "8001")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void everyFunctionAndPoolTaskNamesEveryModelOfTheStack(String name, ParsedTemplate template) {
        // SKIFF_STACK_MODELS: an unknown model's 404 lists the stack's models, whichever target $default reaches
        Map<String, String> served = new LinkedHashMap<>(); // who serves -> its SKIFF_MODELS
        Map<String, String> stackModels = new LinkedHashMap<>(); // who serves -> its SKIFF_STACK_MODELS
        template.resources("AWS::Serverless::Function").forEach((id, function) -> {
            Object environment = map(function.get("Properties")).get("Environment");
            if (environment == null) return;
            Map<String, Object> variables = map(map(environment).get("Variables"));
            if (variables.get("SKIFF_MODELS") == null) return; // not a model's function
            served.put(id, String.valueOf(variables.get("SKIFF_MODELS")));
            stackModels.put(id, String.valueOf(variables.get("SKIFF_STACK_MODELS")));
        });
        if (template.resources().containsKey("GpuPoolTaskDefinition")) {
            Map<String, Object> container =
                    map(list(template.properties("GpuPoolTaskDefinition").get("ContainerDefinitions"))
                            .getFirst());
            for (Object entry : list(container.get("Environment"))) {
                Map<String, Object> variable = map(entry);
                if ("SKIFF_MODELS".equals(variable.get("Name")))
                    served.put("GpuPoolTaskDefinition", String.valueOf(variable.get("Value")));
                if ("SKIFF_STACK_MODELS".equals(variable.get("Name")))
                    stackModels.put("GpuPoolTaskDefinition", String.valueOf(variable.get("Value")));
            }
        }
        Set<String> all = new TreeSet<>();
        served.values().forEach(models -> all.addAll(StackModels.parse(models)));
        assertFalse(all.isEmpty(), name);
        for (String who : served.keySet())
            assertEquals(all, new TreeSet<>(StackModels.parse(stackModels.get(who))), name + " " + who);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void theGpuPoolIsPrivateAndOnlyItsLoadBalancerReachesItsTasks(String name, ParsedTemplate template) {
        Map<String, Map<String, Object>> balancers = template.resources("AWS::ElasticLoadBalancingV2::LoadBalancer");
        if (!template.resources().containsKey("GpuPoolService")) {
            assertTrue(balancers.isEmpty(), name);
            return;
        }
        for (Map<String, Object> balancer : balancers.values())
            assertEquals("internal", map(balancer.get("Properties")).get("Scheme"));
        Map<String, Object> service = template.properties("GpuPoolService");
        Object taskGroup = list(map(map(service.get("NetworkConfiguration")).get("AwsvpcConfiguration"))
                        .get("SecurityGroups"))
                .getFirst();
        Object balancerGroup = list(template.properties("GpuPoolLoadBalancer").get("SecurityGroups"))
                .getFirst();
        Object linkGroup = list(template.properties("GpuPoolVpcLink").get("SecurityGroupIds"))
                .getFirst();
        List<Map<String, Object>> ingress = ingressRules(template);
        for (Map<String, Object> rule : ingress) {
            assertFalse(
                    rule.containsKey("CidrIp")
                            || rule.containsKey("CidrIpv6")
                            || rule.containsKey("SourcePrefixListId"),
                    "an ingress rule opens a group to addresses, not to a group: " + rule);
        }
        assertEquals(
                List.of(balancerGroup),
                sourcesInto(ingress, taskGroup).stream().distinct().toList(),
                "only the load balancer reaches the tasks (REST and gRPC ports)");
        Set<Object> reachers =
                new java.util.HashSet<>(List.of(linkGroup, Map.of("Ref", "GpuPoolGrpcClientSecurityGroup")));
        template.resources("AWS::EC2::SecurityGroup").keySet().stream()
                .filter(id -> id.endsWith("BatchInvokerSecurityGroup"))
                .forEach(id -> reachers.add(Map.of("Ref", id)));
        List<Object> sources = sourcesInto(ingress, balancerGroup);
        assertEquals(
                reachers,
                new java.util.HashSet<>(sources),
                "only the VPC link, the gRPC clients' group and "
                        + "the batch invokers of pool models reach the load balancer");
        assertEquals(reachers.size(), sources.size(), sources.toString());
        assertEquals(
                List.of(),
                sourcesInto(ingress, Map.of("Ref", "GpuPoolInstanceSecurityGroup")),
                "nothing reaches the hosts");

        Map<String, Object> targets = template.properties("GpuPoolTargetGroup");
        assertEquals("/v2/health/ready", targets.get("HealthCheckPath"));
        Map<String, Object> container =
                map(list(template.properties("GpuPoolTaskDefinition").get("ContainerDefinitions"))
                        .getFirst());
        assertEquals(List.of(Map.of("Type", "GPU", "Value", "1")), container.get("ResourceRequirements"));
        assertEquals(
                "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id",
                template.parameter("GpuAmiId").get("Default"));
        for (Object type : list(template.parameter("GpuInstanceType").get("AllowedValues"))) {
            assertTrue(type.toString().matches("g[56]\\..*"), type.toString());
        }
        assertEquals(
                Map.of("Ref", "GpuPoolMinTasks"),
                template.properties("GpuPoolScalableTarget").get("MinCapacity"));
        assertEquals(
                "TargetTrackingScaling",
                template.properties("GpuPoolScalingPolicy").get("PolicyType"));
        assertEquals(
                Map.of("Ref", "GpuPoolInstances"),
                map(template.properties("GpuPoolCapacityProvider").get("AutoScalingGroupProvider"))
                        .get("AutoScalingGroupArn"));
        assertEquals("VPC_LINK", poolIntegration(template).get("connectionType"));
        assertEquals(Map.of("Ref", "GpuPoolListener"), poolIntegration(template).get("uri"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void noIamStatementGrantsDataActionsOnEverything(String name, ParsedTemplate template) {
        int statements = 0;
        for (Map.Entry<String, Map<String, Object>> role :
                template.resources("AWS::IAM::Role").entrySet()) {
            Map<String, Object> p = map(role.getValue().get("Properties"));
            assertFalse(
                    p.containsKey("ManagedPolicyArns"),
                    role.getKey() + ": a managed policy's statements are not ours to scope");
            List<Object> documents = new ArrayList<>();
            for (Object policy : list(p.get("Policies")))
                documents.add(map(policy).get("PolicyDocument"));
            documents.addAll(storeWriterDocuments(template));
            for (Object document : documents) {
                for (Object statement : list(map(document).get("Statement"))) {
                    Map<String, Object> s = map(statement);
                    assertEquals("Allow", s.get("Effect"));
                    List<String> actions = listOrOne(s.get("Action")).stream()
                            .map(String::valueOf)
                            .toList();
                    for (String action : actions)
                        assertFalse(action.contains("*"), role.getKey() + ": wildcard action " + action);
                    if (listOrOne(s.get("Resource")).contains("*")) {
                        assertTrue(
                                RESOURCE_LESS_ACTIONS.containsAll(actions)
                                        || (role.getKey().endsWith("BatchInvokerRole")
                                                && VPC_NETWORK_INTERFACE_ACTIONS.containsAll(actions)),
                                role.getKey() + " grants " + actions + " on *");
                    }
                    statements++;
                }
            }
        }
        assertTrue(template.resources("AWS::IAM::Policy").isEmpty());
        assertTrue(Set.of("GpuPoolStoreWriterPolicy")
                .containsAll(template.resources("AWS::IAM::ManagedPolicy").keySet()));
        assertTrue(statements > 0, name);
    }

    /** The pool's model store: the tasks may only read its prefix, the deployer's policy also write it, nothing more. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void thePoolStoresRolesAreScopedToItsPrefix(String name, ParsedTemplate template) {
        if (template.resources("AWS::ECS::TaskDefinition").isEmpty()) return; // no pool
        Map<String, Object> reader = template.resources("AWS::IAM::Role").get("GpuPoolStoreReaderRole");
        assertNotNull(reader, name);
        assertEquals("GpuPoolUsesStore", reader.get("Condition"));
        List<Object> readerStatements = new ArrayList<>();
        for (Object policy : list(map(reader.get("Properties")).get("Policies")))
            readerStatements.addAll(list(map(map(policy).get("PolicyDocument")).get("Statement")));
        assertScopedToThePrefix(readerStatements, Set.of("s3:GetObject"));
        List<Object> writerStatements = new ArrayList<>();
        for (Object document : storeWriterDocuments(template))
            writerStatements.addAll(list(map(document).get("Statement")));
        assertScopedToThePrefix(writerStatements, Set.of("s3:GetObject", "s3:PutObject"));

        Map<String, Object> task = map(template.resources("AWS::ECS::TaskDefinition")
                .values()
                .iterator()
                .next()
                .get("Properties"));
        List<?> taskRole = list(map(task.get("TaskRoleArn")).get("Fn::If"));
        assertEquals("GpuPoolUsesStore", taskRole.get(0));
        assertTrue(String.valueOf(taskRole.get(1)).contains("GpuPoolStoreReaderRole"), taskRole::toString);
    }

    /** Object actions on {bucket}/{prefix}/* only; listing the bucket only under the prefix. */
    private static void assertScopedToThePrefix(List<Object> statements, Set<String> objectActions) {
        Set<String> seen = new java.util.HashSet<>();
        for (Object statement : statements) {
            Map<String, Object> s = map(statement);
            List<String> actions =
                    listOrOne(s.get("Action")).stream().map(String::valueOf).toList();
            seen.addAll(actions);
            Object resource = map(s.get("Resource")).get("Fn::Sub");
            if (actions.equals(List.of("s3:ListBucket"))) {
                assertEquals("arn:${AWS::Partition}:s3:::${PoolStoreBucket}", resource);
                assertEquals(
                        Map.of("s3:prefix", Map.of("Fn::Sub", "${PoolStorePrefix}/*")),
                        map(map(s.get("Condition")).get("StringLike")));
            } else {
                assertTrue(objectActions.containsAll(actions), "only " + objectActions + ": " + actions);
                assertEquals("arn:${AWS::Partition}:s3:::${PoolStoreBucket}/${PoolStorePrefix}/*", resource);
            }
        }
        Set<String> expected = new java.util.HashSet<>(objectActions);
        expected.add("s3:ListBucket");
        assertEquals(expected, seen);
    }

    private static List<Object> storeWriterDocuments(ParsedTemplate template) {
        List<Object> documents = new ArrayList<>();
        for (Map<String, Object> policy :
                template.resources("AWS::IAM::ManagedPolicy").values())
            documents.add(map(policy.get("Properties")).get("PolicyDocument"));
        return documents;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void outputsTheApiUrlAndEachModelsRoute(String name, ParsedTemplate template) {
        Map<String, Object> outputs = map(template.root().get("Outputs"));
        assertTrue(outputs.containsKey("ApiUrl"));
        List<String> routes = new ArrayList<>();
        outputs.forEach((key, output) -> {
            if (key.endsWith("Route"))
                routes.add(String.valueOf(map(map(output).get("Value")).get("Fn::Sub")));
        });
        for (String path : map(template.apiBody().get("paths")).keySet()) {
            if (path.matches("/v2/models/[^/{}]+/infer")) {
                assertTrue(routes.stream().anyMatch(r -> r.endsWith(path)), name + ": no output for " + path);
            }
        }
        assertFalse(routes.isEmpty());
    }

    /** Both sides of an Fn::If, or the value itself. */
    static List<Object> branches(Object value) {
        if (value instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Fn::If")) {
            List<?> args = list(m.get("Fn::If"));
            return List.of(args.get(1), args.get(2));
        }
        return List.of(value);
    }

    private static List<Map<String, Object>> ingressRules(ParsedTemplate template) {
        List<Map<String, Object>> rules = new ArrayList<>();
        template.resources("AWS::EC2::SecurityGroup").forEach((id, group) -> {
            Object inline = map(group.get("Properties")).get("SecurityGroupIngress");
            if (inline != null) {
                for (Object rule : list(inline)) {
                    Map<String, Object> withGroup = new java.util.HashMap<>(map(rule));
                    withGroup.put("GroupId", Map.of("Ref", id));
                    rules.add(withGroup);
                }
            }
        });
        template.resources("AWS::EC2::SecurityGroupIngress").values().forEach(r -> rules.add(map(r.get("Properties"))));
        return rules;
    }

    private static List<Object> sourcesInto(List<Map<String, Object>> rules, Object group) {
        return rules.stream()
                .filter(r -> group.equals(r.get("GroupId")))
                .map(r -> r.get("SourceSecurityGroupId"))
                .toList();
    }

    private static Map<String, Object> poolIntegration(ParsedTemplate template) {
        Map<String, Object> integrations =
                map(map(template.apiBody().get("components")).get("x-amazon-apigateway-integrations"));
        return integrations.values().stream()
                .flatMap(i -> branches(i).stream())
                .map(ParsedTemplate::map)
                .filter(i -> "http_proxy".equals(i.get("type")))
                .findFirst()
                .orElseThrow();
    }

    /** The capture and drift resources of sam/template.yaml touch fraud's prefixes of the monitoring bucket and nothing else. */
    @Test
    void theDriftFunctionReadsItsModelsPrefixesAndWritesItsReportsOnly() throws IOException {
        ParsedTemplate template =
                ParsedTemplate.parse("sam", Files.readString(SamApplicationTemplateTest.SAM_TEMPLATE));
        Map<String, Map<String, Object>> roles = template.resources("AWS::IAM::Role");
        Map<String, Set<String>> grants = grants(
                template,
                List.of(
                        "FraudDriftRole",
                        "FraudCaptureDeliveryRole",
                        "FraudCaptureSubscriptionRole",
                        "FraudDriftScheduleRole"));
        assertEquals(
                Set.of(
                        "{Fn::Sub=${MonitoringBucket.Arn}/capture/fraud/*}",
                        "{Fn::Sub=${MonitoringBucket.Arn}/baselines/fraud/*}"),
                grants.get("FraudDriftRole s3:GetObject"));
        assertEquals(
                Set.of("{Fn::Sub=${MonitoringBucket.Arn}/drift-reports/fraud/*}"),
                grants.get("FraudDriftRole s3:PutObject"));
        assertEquals(Set.of("{Fn::GetAtt=[MonitoringBucket, Arn]}"), grants.get("FraudDriftRole s3:ListBucket"));
        assertEquals(
                Set.of(
                        "FraudDriftRole logs:CreateLogStream",
                        "FraudDriftRole logs:PutLogEvents",
                        "FraudDriftRole s3:GetObject",
                        "FraudDriftRole s3:ListBucket",
                        "FraudDriftRole s3:PutObject"),
                grants.keySet().stream()
                        .filter(k -> k.startsWith("FraudDriftRole"))
                        .collect(java.util.stream.Collectors.toSet()));
        assertEquals(
                Set.of(
                        "{Fn::Sub=${MonitoringBucket.Arn}/capture/fraud/*}",
                        "{Fn::Sub=${MonitoringBucket.Arn}/capture-errors/fraud/*}"),
                grants.get("FraudCaptureDeliveryRole s3:PutObject"));
        assertEquals(
                Set.of("{Fn::GetAtt=[FraudDriftFunction, Arn]}"),
                grants.get("FraudDriftScheduleRole lambda:InvokeFunction"));
        assertEquals(
                Set.of("{Fn::GetAtt=[FraudCaptureStream, Arn]}"),
                grants.get("FraudCaptureSubscriptionRole firehose:PutRecordBatch"));
        // listing is limited to the model's prefixes
        Object policy = list(map(roles.get("FraudDriftRole").get("Properties")).get("Policies"))
                .get(0);
        Map<String, Object> listing = list(
                        map(map(policy).get("PolicyDocument")).get("Statement"))
                .stream()
                .map(ParsedTemplate::map)
                .filter(st -> "s3:ListBucket".equals(st.get("Action")))
                .findFirst()
                .orElseThrow();
        assertEquals(
                List.of("capture/fraud/*", "baselines/fraud/*", "drift-reports/fraud/*"),
                map(map(listing.get("Condition")).get("StringLike")).get("s3:prefix"));
        Map<String, Object> filter = map(template.resources("AWS::Logs::SubscriptionFilter")
                .get("FraudCaptureSubscription")
                .get("Properties"));
        assertEquals("{ $.skiffCapture = \"1\" }", filter.get("FilterPattern"));
    }

    /** "role action" -> the resources it is granted on, as written; no statement may be a Deny, a "*" or a "service:*". */
    private static Map<String, Set<String>> grants(ParsedTemplate template, List<String> roleNames) {
        Map<String, Map<String, Object>> roles = template.resources("AWS::IAM::Role");
        Map<String, Set<String>> grants = new java.util.TreeMap<>();
        for (String role : roleNames) {
            for (Object policy : list(map(roles.get(role).get("Properties")).get("Policies"))) {
                for (Object statement :
                        list(map(map(policy).get("PolicyDocument")).get("Statement"))) {
                    Map<String, Object> st = map(statement);
                    assertEquals("Allow", st.get("Effect"), role);
                    Object actions = st.get("Action");
                    List<?> resources = st.get("Resource") instanceof List<?> l ? l : List.of(st.get("Resource"));
                    for (Object action : actions instanceof List<?> l ? l : List.of(actions)) {
                        for (Object resource : resources) {
                            String text = resource.toString();
                            assertFalse(
                                    text.equals("*") || action.toString().endsWith(":*"),
                                    role + ": " + action + " on " + text);
                            grants.computeIfAbsent(role + " " + action, k -> new TreeSet<>())
                                    .add(text);
                        }
                    }
                }
            }
        }
        return grants;
    }

    /** A capture record as {@code target} writes it (the core's Capturer, which both targets run), parsed. */
    private static Map<String, Object> captureRecord(Target target, String model, String version) {
        List<byte[]> lines = new ArrayList<>();
        new Capturer(target, (byte[] line) -> lines.add(line))
                .served(
                        new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of()),
                        new InferRequest(
                                "r1",
                                Map.of(),
                                List.of(Tensor.ofFloats("x", new long[] {1, 1}, new float[] {1})),
                                List.of(),
                                false),
                        new InferResponse(
                                model,
                                version,
                                "r1",
                                List.of(Tensor.ofFloats("y", new long[] {1, 1}, new float[] {2})),
                                false));
        assertEquals(1, lines.size());
        try {
            return map(new ObjectMapper().readValue(lines.getFirst(), Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void thePoolsOneCaptureStreamFilesEachModelsRecordsWhereItsDriftFunctionReads() {
        ParsedTemplate template = ParsedTemplate.parse("capture", Renderings.gpuPoolCapture());
        // one subscription filter on the pool's log group (a log group takes two at most), into one stream
        Map<String, Map<String, Object>> filters = template.resources("AWS::Logs::SubscriptionFilter");
        List<String> onThePool = filters.entrySet().stream()
                .filter(f -> Map.of("Ref", "GpuPoolLogGroup")
                        .equals(map(f.getValue().get("Properties")).get("LogGroupName")))
                .map(Map.Entry::getKey)
                .toList();
        assertEquals(List.of("GpuPoolCaptureSubscription"), onThePool);
        Map<String, Object> filter = template.properties("GpuPoolCaptureSubscription");
        assertEquals("{ $.skiffCapture = \"1\" }", filter.get("FilterPattern"));
        assertEquals(Map.of("Fn::GetAtt", List.of("GpuPoolCaptureStream", "Arn")), filter.get("DestinationArn"));
        assertEquals(
                "GpuPoolEnabled",
                map(template.resources().get("GpuPoolCaptureStream")).get("Condition"));
        assertEquals(Set.of("FraudCaptureSubscription", "GpuPoolCaptureSubscription"), filters.keySet());

        // the stream partitions by the capture record's model and modelVersion, into capture/<model>/<version>/,
        // where the drift function reads; each record of the envelope on its own, whichever model it is
        for (String[] modelVersion : List.of(new String[] {"llm", "2"}, new String[] {"ranker", "11"})) {
            String model = modelVersion[0], version = modelVersion[1];
            String prefix =
                    filedUnder(template, "GpuPoolCaptureStream", captureRecord(Target.GPU_POOL, model, version));
            assertTrue(
                    prefix.startsWith(MonitoringKeys.captures(model, version)),
                    "the drift function reads " + MonitoringKeys.captures(model, version) + ", the stream writes "
                            + prefix);
        }
        // a function's own stream the same way, by the record its function writes
        String fraud = filedUnder(template, "FraudCaptureStream", captureRecord(Target.LAMBDA, "fraud", "3"));
        assertTrue(fraud.startsWith(MonitoringKeys.captures("fraud", "3")), fraud);

        // Firehose may write the capturing pool models' prefixes and its errors; CloudWatch Logs only put to the stream
        Map<String, Set<String>> grants =
                grants(template, List.of("GpuPoolCaptureDeliveryRole", "GpuPoolCaptureSubscriptionRole"));
        Set<String> writes = Set.of(
                "{Fn::Sub=${MonitoringBucket.Arn}/capture/llm/*}",
                "{Fn::Sub=${MonitoringBucket.Arn}/capture/ranker/*}",
                "{Fn::Sub=${MonitoringBucket.Arn}/capture-errors/gpu-pool/*}");
        for (String action : List.of("s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload")) {
            assertEquals(writes, grants.get("GpuPoolCaptureDeliveryRole " + action), action);
        }
        Set<String> bucket = Set.of("{Fn::GetAtt=[MonitoringBucket, Arn]}");
        for (String action : List.of("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads")) {
            assertEquals(bucket, grants.get("GpuPoolCaptureDeliveryRole " + action), action);
        }
        Set<String> stream = Set.of("{Fn::GetAtt=[GpuPoolCaptureStream, Arn]}");
        assertEquals(stream, grants.get("GpuPoolCaptureSubscriptionRole firehose:PutRecord"));
        assertEquals(stream, grants.get("GpuPoolCaptureSubscriptionRole firehose:PutRecordBatch"));
        assertEquals(8, grants.size(), grants.keySet().toString());

        // each capturing pool model gets its drift check and no stream of its own; plain gets neither
        Set<String> ids = template.resources().keySet();
        for (String model : List.of("Llm", "Ranker")) {
            assertTrue(
                    ids.containsAll(List.of(model + "DriftFunction", model + "DriftSchedule", model + "DriftAlarm")));
            assertFalse(ids.contains(model + "CaptureStream"), model);
        }
        assertTrue(ids.stream().noneMatch(id -> id.startsWith("Plain")), ids.toString());
    }

    /**
     * Where {@code stream} files {@code record}: its prefix with each partitionKeyFromQuery key filled
     * from the record field that the stream's JQ query ({@code {key: .field, ...}}) names. Checks on
     * the way that the subscription's envelopes are unpacked and split into single records first.
     */
    private static String filedUnder(ParsedTemplate template, String stream, Map<String, Object> record) {
        Map<String, Object> s3 = map(template.properties(stream).get("ExtendedS3DestinationConfiguration"));
        assertEquals(Map.of("Enabled", true), s3.get("DynamicPartitioningConfiguration"), stream);
        List<String> processors = new ArrayList<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Object processor : list(map(s3.get("ProcessingConfiguration")).get("Processors"))) {
            processors.add(String.valueOf(map(processor).get("Type")));
            for (Object parameter : list(map(processor).get("Parameters"))) {
                parameters.put(
                        String.valueOf(map(parameter).get("ParameterName")),
                        String.valueOf(map(parameter).get("ParameterValue")));
            }
        }
        assertEquals(
                List.of(
                        "Decompression",
                        "CloudWatchLogProcessing",
                        "RecordDeAggregation",
                        "MetadataExtraction",
                        "AppendDelimiterToRecord"),
                processors,
                stream + ": the subscription's gzip envelopes unpacked into their messages, split into one record "
                        + "each, then partitioned");
        assertEquals("GZIP", parameters.get("CompressionFormat"), stream);
        assertEquals("true", parameters.get("DataMessageExtraction"), stream);
        assertEquals("JSON", parameters.get("SubRecordType"), stream + ": the messages are JSON lines");
        assertEquals("JQ-1.6", parameters.get("JsonParsingEngine"), stream);

        String query = parameters.get("MetadataExtractionQuery");
        java.util.regex.Matcher whole = java.util.regex.Pattern.compile("\\{(\\w+: \\.\\w+)(, \\w+: \\.\\w+)*}")
                .matcher(query);
        assertTrue(whole.matches(), stream + ": " + query + " is not {key: .field, ...}");
        Map<String, String> fieldOfKey = new LinkedHashMap<>();
        java.util.regex.Matcher entry =
                java.util.regex.Pattern.compile("(\\w+): \\.(\\w+)").matcher(query);
        while (entry.find()) fieldOfKey.put(entry.group(1), entry.group(2));

        String prefix = String.valueOf(s3.get("Prefix"));
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("!\\{partitionKeyFromQuery:(\\w+)}")
                .matcher(prefix);
        StringBuilder filled = new StringBuilder();
        while (key.find()) {
            String field = fieldOfKey.get(key.group(1));
            assertNotNull(field, stream + ": the prefix's key " + key.group(1) + " is not in the query " + query);
            Object value = record.get(field);
            assertNotNull(
                    value,
                    stream + ": the query reads ." + field + ", which the capture record has not: " + record.keySet());
            key.appendReplacement(filled, java.util.regex.Matcher.quoteReplacement(String.valueOf(value)));
        }
        key.appendTail(filled);
        assertEquals(fieldOfKey.size(), prefix.split("partitionKeyFromQuery", -1).length - 1, "every key is used");
        return filled.toString();
    }
}
