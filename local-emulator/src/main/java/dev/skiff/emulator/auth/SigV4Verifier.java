package dev.skiff.emulator.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.server.HttpReply;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a SigV4-signed request as API Gateway checks an AWS_IAM route: the Authorization header's
 * parts, the date within five minutes, the credential scope (this region, {@code execute-api}), an
 * access key the emulator knows (with its session token), then the signature, recomputed by the AWS
 * SDK v2's signer over the method, path, query, signed headers and body, and compared in constant
 * time. Each refusal is 403 with the body and {@code x-amzn-ErrorType} API Gateway sends for it.
 *
 * <p>The signer is the SDK's {@code Aws4Signer}: its successor {@code AwsV4HttpSigner} always adds
 * and signs {@code x-amz-content-sha256}, so it cannot recompute what curl, the AWS CLI and most
 * SDKs sign for execute-api, where that header is not signed and the body is hashed as it arrives.
 */
@SuppressWarnings("deprecation") // Aws4Signer: see above
public final class SigV4Verifier {

    public static final String SERVICE = "execute-api";
    /** How far a request's X-Amz-Date may be from now, as API Gateway says in its message ("- 5 min."). */
    static final Duration SKEW = Duration.ofMinutes(5);

    static final String MISMATCH = "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    static final String INVALID_TOKEN = "The security token included in the request is invalid.";
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** The x-amzn-ErrorType of each refusal. */
    private static final String INCOMPLETE = "IncompleteSignatureException";

    private static final String INVALID = "InvalidSignatureException";
    private static final String UNRECOGNIZED = "UnrecognizedClientException";
    private static final Aws4Signer SIGNER = Aws4Signer.create();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, IamCredential> credentials = new LinkedHashMap<>();
    private final String region;
    private final String accountId;
    private final Clock clock;

    public SigV4Verifier(List<IamCredential> known, String region, String accountId, Clock clock) {
        known.forEach(c -> credentials.putIfAbsent(c.accessKeyId(), c));
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    public List<IamCredential> credentials() {
        return List.copyOf(credentials.values());
    }

    public AuthOutcome verify(HttpCall call) {
        String authorization = call.header("Authorization");
        if (authorization == null) {
            boolean presigned = call.rawQuery() != null && call.rawQuery().contains("X-Amz-Signature=");
            return refused(
                    "Forbidden",
                    null,
                    presigned
                            ? "the request is presigned (X-Amz-Signature in its query): the emulator checks headers only"
                            : "the request is not signed: no Authorization header");
        }
        Map<String, String> parts = parts(authorization);
        String amzDate = call.header("X-Amz-Date");
        String incomplete = incomplete(parts, amzDate != null || call.header("Date") != null);
        if (incomplete != null) {
            return refused(
                    incomplete + " Authorization=" + authorization,
                    INCOMPLETE,
                    "the Authorization header is not a complete SigV4 signature");
        }
        if (amzDate == null) {
            return refused(
                    MISMATCH,
                    INVALID,
                    "signed with a Date header: the emulator checks signatures dated by " + "X-Amz-Date only");
        }
        Instant date;
        try {
            date = AMZ_DATE.parse(amzDate, Instant::from);
        } catch (DateTimeParseException e) {
            return refused(
                    "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
                    INCOMPLETE,
                    "X-Amz-Date '" + amzDate + "' is not yyyyMMdd'T'HHmmss'Z'");
        }
        Instant now = clock.instant();
        if (date.isBefore(now.minus(SKEW))) {
            return refused(
                    "Signature expired: " + amzDate + " is now earlier than " + AMZ_DATE.format(now.minus(SKEW)) + " ("
                            + AMZ_DATE.format(now) + " - 5 min.)",
                    INVALID,
                    "the signature's date is too old");
        }
        if (date.isAfter(now.plus(SKEW))) {
            return refused(
                    "Signature not yet current: " + amzDate + " is still later than " + AMZ_DATE.format(now.plus(SKEW))
                            + " (" + AMZ_DATE.format(now) + " + 5 min.)",
                    INVALID,
                    "the signature's date is ahead");
        }
        String[] scope = parts.get("Credential").split("/", -1);
        if (scope.length != 5) {
            return refused(
                    MISMATCH,
                    INVALID,
                    "Credential '" + parts.get("Credential") + "' is not KEY/DATE/REGION/SERVICE/aws4_request");
        }
        if (!scope[1].equals(amzDate.substring(0, 8))) {
            return refused(
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                            + scope[1] + "' != '" + amzDate.substring(0, 8) + "', from '" + amzDate + "'.",
                    INVALID,
                    "the credential scope's date is not the request's");
        }
        if (!scope[2].equals(region)) {
            return refused(
                    "Credential should be scoped to a valid region, not '" + scope[2] + "'. ",
                    INVALID,
                    "signed for region " + scope[2] + "; this API is in " + region);
        }
        if (!scope[3].equals(SERVICE)) {
            return refused(
                    "Credential should be scoped to correct service: '" + SERVICE + "'. ",
                    INVALID,
                    "signed for service " + scope[3] + ", not " + SERVICE);
        }
        if (!scope[4].equals("aws4_request")) {
            return refused(
                    "Credential should be scoped with a valid terminator: 'aws4_request', not '" + scope[4] + "'. ",
                    INVALID,
                    "the credential scope does not end in aws4_request");
        }
        List<String> signedHeaders =
                List.of(parts.get("SignedHeaders").toLowerCase(Locale.ROOT).split(";"));
        if (!signedHeaders.contains("host")) {
            return refused(
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
                    INCOMPLETE,
                    "the host header is not signed");
        }
        IamCredential credential = credentials.get(scope[0]);
        if (credential == null) {
            return refused(
                    INVALID_TOKEN,
                    UNRECOGNIZED,
                    "access key " + scope[0] + " is not one the emulator knows"
                            + (credentials.isEmpty()
                                    ? " (it knows none)"
                                    : " (it knows "
                                            + credentials.values().stream()
                                                    .map(IamCredential::masked)
                                                    .toList() + ")"));
        }
        if (!sameToken(credential.sessionToken(), call.header("X-Amz-Security-Token"))) {
            return refused(
                    INVALID_TOKEN,
                    UNRECOGNIZED,
                    "the session token of access key " + credential.masked()
                            + (credential.sessionToken() == null
                                    ? " was sent, but the key has none"
                                    : " is missing or not the key's"));
        }
        String expected = expectedSignature(call, signedHeaders, credential, date);
        if (expected == null
                || !MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII),
                        parts.get("Signature").toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return refused(
                    MISMATCH,
                    INVALID,
                    expected == null
                            ? "a signed header is missing from the request, or its method or host cannot be signed"
                            : "the signature is not the one the request's method, path, query, signed headers and body give "
                                    + "with the key " + credential.masked());
        }
        return new AuthOutcome.Allowed(identity(credential));
    }

    /** {@code requestContext.authorizer.iam}, with what the emulator knows of the caller. */
    private ObjectNode identity(IamCredential credential) {
        ObjectNode authorizer = JSON.createObjectNode();
        ObjectNode iam = authorizer.putObject("iam");
        iam.put("accessKey", credential.accessKeyId());
        iam.put("accountId", accountId);
        iam.put("callerId", credential.accessKeyId());
        iam.putNull("cognitoIdentity");
        iam.putNull("principalOrgId");
        String userName = credential.source().replaceAll("[^A-Za-z0-9+=,.@_-]", "-");
        iam.put("userArn", "arn:aws:iam::" + accountId + ":user/" + userName);
        iam.put("userId", credential.accessKeyId());
        return authorizer;
    }

    /** The signature the SDK's signer gives the request as received, or null when it cannot be rebuilt. */
    private String expectedSignature(
            HttpCall call, List<String> signedHeaders, IamCredential credential, Instant date) {
        String hostHeader = call.header("Host");
        SdkHttpMethod method;
        URI host;
        try {
            method = SdkHttpMethod.fromValue(call.method());
            host = URI.create("http://" + hostHeader);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(method)
                .protocol("http")
                .host(host.getHost())
                .encodedPath(call.rawPath())
                .contentStreamProvider(() -> new ByteArrayInputStream(call.body()));
        if (host.getPort() >= 0) {
            request.port(host.getPort());
        }
        if (call.rawQuery() != null && !call.rawQuery().isEmpty()) {
            for (String pair : call.rawQuery().split("&")) {
                int equals = pair.indexOf('=');
                request.appendRawQueryParameter(
                        decode(equals < 0 ? pair : pair.substring(0, equals)),
                        equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        for (String name : signedHeaders) {
            if (name.equals("host")) {
                continue; // the signer writes it from host and port
            }
            List<String> values = values(call, name);
            if (values.isEmpty()) {
                return null;
            }
            request.putHeader(name, String.join(",", values));
        }
        String id = credential.accessKeyId();
        String secret = credential.secretAccessKey();
        AwsCredentials keys = credential.sessionToken() == null
                ? AwsBasicCredentials.create(id, secret)
                : AwsSessionCredentials.create(id, secret, credential.sessionToken());
        Aws4SignerParams params = Aws4SignerParams.builder()
                .awsCredentials(keys)
                .signingName(SERVICE)
                .signingRegion(Region.of(region))
                .signingClockOverride(Clock.fixed(date, ZoneOffset.UTC))
                .build();
        String signed = SIGNER.sign(request.build(), params)
                .firstMatchingHeader("Authorization")
                .orElse("");
        int at = signed.indexOf("Signature=");
        return at < 0 ? null : signed.substring(at + "Signature=".length()).trim();
    }

    private static List<String> values(HttpCall call, String name) {
        List<String> values = new ArrayList<>();
        call.headers().forEach((header, list) -> {
            if (header.equalsIgnoreCase(name)) {
                values.addAll(list);
            }
        });
        return values;
    }

    /** The parts of {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}; none for another. */
    private static Map<String, String> parts(String authorization) {
        Map<String, String> parts = new LinkedHashMap<>();
        if (!authorization.startsWith(ALGORITHM + " ")) {
            return parts;
        }
        for (String part : authorization.substring(ALGORITHM.length()).split(",")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                parts.put(
                        part.substring(0, equals).trim(),
                        part.substring(equals + 1).trim());
            }
        }
        return parts;
    }

    /** API Gateway's message for an Authorization header that lacks parts, or null when it has them all. */
    private static String incomplete(Map<String, String> parts, boolean dated) {
        List<String> missing = new ArrayList<>();
        for (String name : List.of("Credential", "Signature", "SignedHeaders")) {
            if (parts.get(name) == null || parts.get(name).isEmpty()) {
                missing.add("Authorization header requires '" + name + "' parameter.");
            }
        }
        if (!dated) {
            missing.add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        return missing.isEmpty() ? null : String.join(" ", missing);
    }

    private static boolean sameToken(String known, String sent) {
        if (known == null || sent == null) {
            return known == null && sent == null;
        }
        return MessageDigest.isEqual(known.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static AuthOutcome refused(String message, String errorType, String reason) {
        HttpReply reply = HttpReply.message(403, message);
        if (errorType != null) {
            reply.with("x-amzn-ErrorType", errorType);
        }
        return new AuthOutcome.Refused(reply, reason);
    }
}
