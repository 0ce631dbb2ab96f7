package dev.skiff.emulator.template;

import java.util.Map;

/**
 * What an HTTP API applies to every request before its integration: CORS and throttling.
 *
 * @param cors the API's CORS rules, or null when CORS is off
 * @param defaultThrottle the stage's default route throttling, or null for none
 * @param routeThrottles per route key ({@code POST /v2/models/{model}/infer}), overriding the default
 */
public record HttpApiSettings(
        String apiId, CorsRules cors, Throttle defaultThrottle, Map<String, Throttle> routeThrottles) {

    public static HttpApiSettings none(String apiId) {
        return new HttpApiSettings(apiId, null, null, Map.of());
    }

    /** The throttle of a route, or null when it is not throttled. */
    public Throttle throttle(String routeKey) {
        return routeThrottles.getOrDefault(routeKey, defaultThrottle);
    }
}
