package dev.skiff.emulator.template;

import java.util.List;

/**
 * How one route is authorized.
 *
 * @param scopes the route's authorization scopes: a JWT must carry one of them; empty means any token will do
 */
public record RouteAuth(Authorizer authorizer, List<String> scopes) {

    public static final RouteAuth NONE = new RouteAuth(new Authorizer.None(), List.of());
    public static final RouteAuth IAM = new RouteAuth(new Authorizer.Iam(), List.of());

    public RouteAuth {
        scopes = List.copyOf(scopes);
    }

    /** How the start-up listing names it: AWS_IAM, JWT with its scopes, NONE. */
    public String describe() {
        return switch (authorizer) {
            case Authorizer.None none -> "NONE";
            case Authorizer.Iam iam -> "AWS_IAM";
            case Authorizer.Jwt jwt ->
                "JWT " + jwt.name() + (scopes.isEmpty() ? "" : " scopes " + String.join(" ", scopes));
            case Authorizer.NotEmulated other -> other.kind() + " " + other.name() + ", not emulated";
        };
    }
}
