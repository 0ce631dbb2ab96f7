package dev.skiff.emulator.template;

/** Where an HTTP API route sends its requests. */
public sealed interface RouteTarget {

    /** A Lambda proxy integration; {@code qualifier} is the alias or version, or null for $LATEST. */
    record Lambda(String functionName, String qualifier) implements RouteTarget {}

    /** An HTTP_PROXY integration (the GPU pool behind a VPC link). */
    record HttpProxy(String integrationId, String uri) implements RouteTarget {}
}
