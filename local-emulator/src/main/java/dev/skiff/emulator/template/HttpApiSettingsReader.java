package dev.skiff.emulator.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an HTTP API's CORS rules and its stage's throttling from resolved properties: SAM's
 * {@code CorsConfiguration} (which SAM writes over the body's extension) or the OpenAPI body's
 * {@code x-amazon-apigateway-cors}, and {@code DefaultRouteSettings}/{@code RouteSettings}.
 * Settings it does not apply are added to the warnings by name.
 */
final class HttpApiSettingsReader {

    private static final Set<String> ROUTE_SETTINGS = Set.of("ThrottlingRateLimit", "ThrottlingBurstLimit");
    private static final Set<String> CORS_KEYS =
            Set.of("alloworigins", "allowmethods", "allowheaders", "exposeheaders", "maxage", "allowcredentials");

    private final List<String> warnings;

    HttpApiSettingsReader(List<String> warnings) {
        this.warnings = warnings;
    }

    /**
     * @param properties the HttpApi's resolved properties
     * @param body its resolved OpenAPI DefinitionBody, or an empty map
     */
    HttpApiSettings read(String apiId, Map<String, Object> properties, Map<String, Object> body) {
        CorsRules cors = null;
        Object samCors = properties.get("CorsConfiguration");
        if (samCors != null) {
            cors = cors(samCors, apiId + ".CorsConfiguration");
        } else if (body.get("x-amazon-apigateway-cors") != null) {
            cors = cors(body.get("x-amazon-apigateway-cors"), apiId + ".DefinitionBody.x-amazon-apigateway-cors");
        }
        Throttle defaultThrottle = null;
        if (properties.get("DefaultRouteSettings") instanceof Map<?, ?> settings) {
            defaultThrottle = throttle(settings, apiId + ".DefaultRouteSettings");
        }
        Map<String, Throttle> routeThrottles = new LinkedHashMap<>();
        if (properties.get("RouteSettings") instanceof Map<?, ?> perRoute) {
            perRoute.forEach((routeKey, settings) -> {
                if (settings instanceof Map<?, ?> map) {
                    Throttle throttle = throttle(map, apiId + ".RouteSettings." + routeKey);
                    if (throttle != null) {
                        routeThrottles.put(String.valueOf(routeKey), throttle);
                    }
                }
            });
        }
        return new HttpApiSettings(apiId, cors, defaultThrottle, Map.copyOf(routeThrottles));
    }

    /** {@code true} is SAM's "every origin"; otherwise a mapping in either spelling (allowOrigins or AllowOrigins). */
    private CorsRules cors(Object value, String where) {
        if (Boolean.TRUE.equals(value) || "true".equals(String.valueOf(value))) {
            return new CorsRules(List.of("*"), List.of("*"), List.of("*"), List.of(), null, false);
        }
        if (!(value instanceof Map<?, ?> raw)) {
            throw new TemplateException(where + " must be true or a mapping, got " + value);
        }
        Map<String, Object> entries = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        raw.forEach((k, v) -> {
            String key = String.valueOf(k).toLowerCase(Locale.ROOT);
            entries.put(key, v);
            if (!CORS_KEYS.contains(key)) {
                unknown.add(String.valueOf(k));
            }
        });
        if (!unknown.isEmpty()) {
            warnings.add(where + ": not a CORS setting API Gateway knows: " + String.join(", ", unknown));
        }
        Object maxAge = entries.get("maxage");
        return new CorsRules(
                strings(entries.get("alloworigins")),
                strings(entries.get("allowmethods")),
                strings(entries.get("allowheaders")),
                strings(entries.get("exposeheaders")),
                maxAge == null ? null : integer(maxAge, where + ".maxAge"),
                Boolean.parseBoolean(String.valueOf(entries.get("allowcredentials"))));
    }

    private Throttle throttle(Map<?, ?> settings, String where) {
        Set<String> notEmulated = new TreeSet<>();
        settings.keySet().forEach(k -> notEmulated.add(String.valueOf(k)));
        notEmulated.removeAll(ROUTE_SETTINGS);
        if (!notEmulated.isEmpty()) {
            warnings.add(where + ": not emulated locally: " + String.join(", ", notEmulated));
        }
        Object rate = settings.get("ThrottlingRateLimit");
        Object burst = settings.get("ThrottlingBurstLimit");
        if (rate == null && burst == null) {
            return null;
        }
        if (rate == null || burst == null) {
            warnings.add(where + ": throttling needs both ThrottlingRateLimit and ThrottlingBurstLimit locally; "
                    + "the route is not throttled");
            return null;
        }
        double ratePerSecond;
        try {
            ratePerSecond = Double.parseDouble(String.valueOf(rate).trim());
        } catch (NumberFormatException e) {
            throw new TemplateException(where + ".ThrottlingRateLimit must be a number, got " + rate);
        }
        if (ratePerSecond < 0) {
            throw new TemplateException(where + ".ThrottlingRateLimit must not be negative, got " + rate);
        }
        return new Throttle(ratePerSecond, integer(burst, where + ".ThrottlingBurstLimit"));
    }

    /** A list, or a comma-separated string (a CommaDelimitedList parameter referenced in a string). */
    private static List<String> strings(Object value) {
        List<String> values = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> values.add(String.valueOf(v).trim()));
        } else if (value != null) {
            for (String part : String.valueOf(value).split(",")) {
                values.add(part.trim());
            }
        }
        values.removeIf(String::isEmpty);
        return List.copyOf(values);
    }

    private static int integer(Object value, String where) {
        try {
            int number = Integer.parseInt(String.valueOf(value).trim());
            if (number < 0) {
                throw new TemplateException(where + " must not be negative, got " + number);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new TemplateException(where + " must be an integer, got " + value);
        }
    }
}
