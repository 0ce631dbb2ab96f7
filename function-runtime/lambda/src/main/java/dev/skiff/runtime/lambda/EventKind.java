package dev.skiff.runtime.lambda;

/** The shapes of event that invoke the function; each is answered in its own shape. */
public enum EventKind {
    /** API Gateway HTTP API, payload format 2.0. */
    HTTP_API_V2("apigw-http-v2"),
    /** API Gateway REST API proxy integration, payload format 1.0 (also HTTP API with format 1.0). */
    REST_API_V1("apigw-rest-v1"),
    /** Application Load Balancer target group. */
    ALB("alb"),
    /** A bare protocol request, from Lambda's Invoke API. */
    DIRECT("direct"),
    /** A Step Functions Distributed Map child's ItemBatcher event ({@code {"Items": [...]}}), or skiff batch --local's. */
    BATCH("batch");

    public final String label;

    EventKind(String label) {
        this.label = label;
    }
}
