package dev.skiff.runtime.testing.vectors;

import dev.skiff.runtime.contract.Target;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One request of the protocol vector set and the status every target must answer it with.
 *
 * @param invocation how the request reaches a target
 * @param method the HTTP method (http vectors; null for direct ones)
 * @param path the request path (http vectors; null for direct ones)
 * @param model the model a direct invocation names in {@code model_name} (null for http vectors)
 * @param body the request body, or null for none
 * @param targets the targets that serve this kind of request
 * @param differsByTarget what may differ between two targets' answers
 */
public record ProtocolVector(
        String name,
        Invocation invocation,
        String method,
        String path,
        String model,
        String body,
        int status,
        Set<String> tags,
        Set<Target> targets,
        TargetDifferences differsByTarget) {

    /** How a vector's request reaches a target. */
    public enum Invocation {
        /** Through an API route: an API Gateway event for a function, an HTTP request for the pool. */
        HTTP,
        /** A Lambda Invoke carrying the protocol's request with {@code model_name}: functions only. */
        DIRECT
    }

    /**
     * What legitimately differs between targets' answers to one vector.
     *
     * @param headers response headers that differ (such as x-skiff-target), lower case
     * @param bodyFields top-level fields of a JSON answer that differ (such as server metadata's extensions)
     */
    public record TargetDifferences(Set<String> headers, Set<String> bodyFields) {
        public TargetDifferences {
            headers = Set.copyOf(headers);
            bodyFields = Set.copyOf(bodyFields);
        }
    }

    public ProtocolVector {
        tags = Set.copyOf(tags);
        targets = Set.copyOf(targets);
    }

    public boolean servedBy(Target target) {
        return targets.contains(target);
    }

    public boolean tagged(String tag) {
        return tags.contains(tag);
    }

    public boolean isDirect() {
        return invocation == Invocation.DIRECT;
    }

    /** The body's bytes, or an empty array for none. */
    public byte[] bodyBytes() {
        return body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    }

    /** The request against a server at {@code baseUrl} (such as a local Skiff's API or a pool), for http vectors. */
    public HttpRequest httpRequest(URI baseUrl) {
        if (isDirect()) {
            throw new IllegalStateException("\"" + name + "\" is a direct invocation: it has no HTTP request");
        }
        String base = baseUrl.toString();
        if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (body == null)
            return request.method(method, HttpRequest.BodyPublishers.noBody()).build();
        return request.header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bodyBytes()))
                .build();
    }

    /** The name: what a parameterized test shows for it. */
    @Override
    public String toString() {
        return name;
    }
}
