package dev.skiff.emulator.template;

/**
 * A route's throttling target, as an HTTP API stage's {@code DefaultRouteSettings} or
 * {@code RouteSettings} give it: a token bucket that refills at {@code ratePerSecond} and holds
 * {@code burst} tokens.
 */
public record Throttle(double ratePerSecond, int burst) {}
