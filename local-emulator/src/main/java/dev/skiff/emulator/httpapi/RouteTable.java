package dev.skiff.emulator.httpapi;

import dev.skiff.emulator.template.HttpRoute;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the route for a request as API Gateway HTTP APIs do: the most specific path wins
 * (literal segments over {@code {param}} over a greedy {@code {proxy+}}), a route for the
 * method over ANY, and {@code $default} catches the rest.
 */
public final class RouteTable {

    /** A matched route and its path parameters. */
    public record Match(HttpRoute route, Map<String, String> pathParameters) {}

    private final List<HttpRoute> routes;

    public RouteTable(List<HttpRoute> routes) {
        this.routes = new ArrayList<>(routes);
        // most specific first: more literal segments, then fewer variables, then a method before ANY
        this.routes.sort(Comparator.comparingInt((HttpRoute r) -> r.path().equals("$default") ? 1 : 0)
                .thenComparing(Comparator.comparingInt((HttpRoute r) -> specificity(r.path()))
                        .reversed())
                .thenComparingInt(r -> r.method().equals("ANY") ? 1 : 0));
    }

    public List<HttpRoute> routes() {
        return List.copyOf(routes);
    }

    /** @return the match, or null when no route takes this method and path */
    public Match match(String method, String path) {
        for (HttpRoute route : routes) {
            if (!route.method().equals("ANY") && !route.method().equals(method)) {
                continue;
            }
            if (route.path().equals("$default")) {
                return new Match(route, Map.of());
            }
            Map<String, String> parameters = matchPath(route.path(), path);
            if (parameters != null) {
                return new Match(route, parameters);
            }
        }
        return null;
    }

    /** Literal segments count most; a greedy variable least. */
    private static int specificity(String routePath) {
        int score = 0;
        for (String segment : segments(routePath)) {
            if (segment.endsWith("+}")) {
                score += 1;
            } else if (segment.startsWith("{")) {
                score += 100;
            } else {
                score += 10_000;
            }
        }
        return score;
    }

    private static Map<String, String> matchPath(String routePath, String requestPath) {
        List<String> pattern = segments(routePath);
        List<String> actual = segments(requestPath);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String segment = pattern.get(i);
            if (segment.startsWith("{") && segment.endsWith("+}")) {
                if (i >= actual.size()) {
                    return null;
                }
                parameters.put(
                        segment.substring(1, segment.length() - 2), String.join("/", actual.subList(i, actual.size())));
                return parameters;
            }
            if (i >= actual.size()) {
                return null;
            }
            if (segment.startsWith("{") && segment.endsWith("}")) {
                if (actual.get(i).isEmpty()) {
                    return null;
                }
                parameters.put(segment.substring(1, segment.length() - 1), actual.get(i));
            } else if (!segment.equals(actual.get(i))) {
                return null;
            }
        }
        return pattern.size() == actual.size() ? parameters : null;
    }

    private static List<String> segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
    }
}
