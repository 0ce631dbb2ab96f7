package dev.skiff.emulator.template;

import java.util.List;

/** Who may call a route, as the template configures it: no one checked, IAM, a JWT authorizer, or one not emulated. */
public sealed interface Authorizer {

    /** API Gateway's NONE: the route answers whoever calls it. */
    record None() implements Authorizer {}

    /** AWS_IAM: the request must be signed with SigV4 by a caller API Gateway knows. */
    record Iam() implements Authorizer {}

    /**
     * A JWT authorizer.
     *
     * @param identitySource where the token is: {@code $request.header.NAME} or {@code $request.querystring.NAME}
     * @param audience the values a token's {@code aud} (or {@code client_id}) must match one of
     */
    record Jwt(String name, String identitySource, String issuer, List<String> audience) implements Authorizer {
        public Jwt {
            audience = List.copyOf(audience);
        }
    }

    /** An authorizer the emulator does not run (a Lambda authorizer), named for messages. */
    record NotEmulated(String name, String kind) implements Authorizer {}
}
