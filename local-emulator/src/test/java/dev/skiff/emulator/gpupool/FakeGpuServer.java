package dev.skiff.emulator.gpupool;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Stands in for gpu-fallback's GpuServer with its launch contract (--host, --port 0, a JSON
 * "listening" line with the port) and echoes each request, so the proxy is tested in milliseconds.
 */
public final class FakeGpuServer {
    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        String host = arguments.get(arguments.indexOf("--host") + 1);
        String provider = arguments.get(arguments.indexOf("--execution-provider") + 1);
        String models = arguments.get(arguments.indexOf("--models") + 1);
        ObjectMapper json = new ObjectMapper();
        HttpServer server = HttpServer.create(
                new InetSocketAddress(host, Integer.parseInt(arguments.get(arguments.indexOf("--port") + 1))), 0);
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/slow")) {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ObjectNode echo = json.createObjectNode();
            echo.put("method", exchange.getRequestMethod());
            echo.put("path", exchange.getRequestURI().getRawPath());
            echo.put("query", exchange.getRequestURI().getRawQuery());
            echo.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            echo.put("header", exchange.getRequestHeaders().getFirst("x-test"));
            echo.put("forwardedFor", exchange.getRequestHeaders().getFirst("x-forwarded-for"));
            echo.put("skiffModels", System.getenv("SKIFF_MODELS"));
            echo.put("provider", provider);
            echo.put("repository", models);
            byte[] body = json.writeValueAsBytes(echo);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("x-skiff-target", "gpu-pool");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.out.println("{\"message\":\"starting\"}");
        System.out.println("{\"level\":\"INFO\",\"message\":\"listening\",\"port\":"
                + server.getAddress().getPort() + "}");
    }
}
