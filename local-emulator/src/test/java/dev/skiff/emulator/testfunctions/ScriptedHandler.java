package dev.skiff.emulator.testfunctions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test function run by the real runtime interface client in its own process. What it does
 * is written into the event as {@code act:NAME[:NUMBER]}: echo (default), raw (return the event
 * itself), status (an HTTP API response with that status), sleep, exit, throw. It answers with what it saw of its environment.
 */
public class ScriptedHandler implements RequestStreamHandler {

    private static final Pattern ACTION = Pattern.compile("act:([a-z]+)(?::(\\d+))?");
    /** Read once at init, so a changed marker file shows whether the environment is new. */
    private static final String MARKER = readMarker();

    private static String readMarker() {
        String taskRoot = System.getenv("LAMBDA_TASK_ROOT");
        try {
            return taskRoot == null
                    ? "in-process"
                    : Files.readString(Path.of(taskRoot, "marker.txt")).trim();
        } catch (IOException e) {
            return "none";
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        Matcher matcher = ACTION.matcher(event);
        String action = "echo";
        long number = 0;
        if (matcher.find()) {
            action = matcher.group(1);
            number = matcher.group(2) == null ? 0 : Long.parseLong(matcher.group(2));
        }
        System.out.println("handling " + context.getAwsRequestId() + " action " + action);
        context.getLogger().log("logged through the context logger\n");
        switch (action) {
            case "raw" -> {
                output.write(event.getBytes(StandardCharsets.UTF_8));
                return;
            }
            case "status" -> {
                output.write(("{\"statusCode\":" + number
                                + ",\"headers\":{\"x-scripted\":\"yes\",\"content-type\":\"text/plain\"},"
                                + "\"cookies\":[\"session=abc; Path=/\"],\"body\":\"scripted status\"}")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            case "sleep" -> sleep(number);
            case "exit" -> {
                System.out.flush();
                Runtime.getRuntime().halt((int) number);
            }
            case "throw" -> throw new IllegalStateException("scripted failure");
            default -> {}
        }
        String json = "{"
                + field("version", System.getenv("AWS_LAMBDA_FUNCTION_VERSION")) + ","
                + field("functionName", System.getenv("AWS_LAMBDA_FUNCTION_NAME")) + ","
                + field("memorySize", System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")) + ","
                + field("handler", System.getenv("_HANDLER")) + ","
                + field("taskRoot", System.getenv("LAMBDA_TASK_ROOT")) + ","
                + field("region", System.getenv("AWS_REGION")) + ","
                + field("tz", System.getenv("TZ")) + ","
                + field("initializationType", System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE")) + ","
                + field("logGroup", System.getenv("AWS_LAMBDA_LOG_GROUP_NAME")) + ","
                + field("greeting", System.getenv("GREETING")) + ","
                + field("toolOption", System.getProperty("skiff.test")) + ","
                + field("requestId", context.getAwsRequestId()) + ","
                + field("invokedArn", context.getInvokedFunctionArn()) + ","
                + field("marker", MARKER) + ","
                + field("collectors", collectors()) + ","
                + field("tieredStopAtLevel", vmOption("TieredStopAtLevel")) + ","
                + "\"maxHeapBytes\":" + Runtime.getRuntime().maxMemory() + ","
                + "\"remainingMillis\":" + context.getRemainingTimeInMillis() + ","
                + "\"pid\":" + ProcessHandle.current().pid()
                + "}";
        output.write(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String collectors() {
        return String.join(
                ",",
                java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(java.lang.management.GarbageCollectorMXBean::getName)
                        .toList());
    }

    private static String vmOption(String name) {
        return java.lang.management.ManagementFactory.getPlatformMXBean(
                        com.sun.management.HotSpotDiagnosticMXBean.class)
                .getVMOption(name)
                .getValue();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String field(String name, String value) {
        return "\"" + name + "\":"
                + (value == null ? "null" : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
}
