package dev.skiff.emulator.httpapi;

import dev.skiff.emulator.template.HttpApiSettings;
import dev.skiff.emulator.template.HttpRoute;
import dev.skiff.emulator.template.Throttle;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Route-level throttling as an HTTP API stage applies it: one token bucket per route, sized by the
 * route's {@code RouteSettings} entry or else the stage's {@code DefaultRouteSettings}.
 */
final class RouteThrottling {

    private final Function<String, HttpApiSettings> settings;
    private final LongSupplier nanoClock;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    RouteThrottling(Function<String, HttpApiSettings> settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
    }

    /** @return true when the route may take this request now */
    boolean admit(HttpRoute route) {
        Throttle throttle = settings.apply(route.apiId()).throttle(route.routeKey());
        if (throttle == null) {
            return true;
        }
        return buckets.computeIfAbsent(
                        route.apiId() + " " + route.routeKey(),
                        k -> new TokenBucket(throttle.ratePerSecond(), throttle.burst(), nanoClock))
                .tryTake();
    }
}
