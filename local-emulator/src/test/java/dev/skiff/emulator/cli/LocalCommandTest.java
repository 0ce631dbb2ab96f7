package dev.skiff.emulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.skiff.emulator.auth.LocalIssuer;
import dev.skiff.emulator.support.Templates;
import dev.skiff.emulator.support.TestFunctionPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** {@code skiff local invoke} end to end: response on stdout, START/END/REPORT on stderr, clear errors. */
class LocalCommandTest {

    @TempDir
    Path directory;

    private record Run(int exitCode, String out, String err) {}

    private Run run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringWriter picocliErr = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine commandLine = LocalCommand.commandLine(new LocalCommand());
            commandLine.setErr(new PrintWriter(picocliErr, true));
            int exitCode = commandLine.execute(args);
            return new Run(
                    exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) + picocliErr);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void invokePrintsTheResponseAndTheLog() throws Exception {
        TestFunctionPackage.javaPackage(directory.resolve("code"), "cli");
        Path template = Templates.write(directory, """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Echo:
                    Type: AWS::Serverless::Function
                    Properties: {Runtime: java21, Handler: %s, CodeUri: code, MemorySize: 256, AutoPublishAlias: live}
                """.formatted(Templates.HANDLER));
        Path event = Files.writeString(directory.resolve("event.json"), "{\"hello\":1}");

        Run run = run(
                "invoke",
                "Echo",
                "--template",
                template.toString(),
                "--event",
                event.toString(),
                "--qualifier",
                "live");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("\"marker\":\"cli\"") && run.out().contains("\"version\":\"1\""), run.out());
        assertTrue(run.err().contains("[Echo] START RequestId: "), run.err());
        assertTrue(run.err().contains("[Echo] END RequestId: "), run.err());
        assertTrue(run.err().contains("[Echo] REPORT RequestId: ") && run.err().contains("Init Duration: "), run.err());
    }

    @Test
    void mistakesGetOneClearLine() {
        Run missingTemplate = run(
                "invoke", "Echo", "--template", directory.resolve("nope.yaml").toString());
        assertEquals(2, missingTemplate.exitCode());
        assertTrue(missingTemplate.err().contains("error: cannot read template"), missingTemplate.err());

        Path template = Templates.write(directory, """
                Resources:
                  Echo:
                    Type: AWS::Serverless::Function
                    Properties: {Runtime: java21, Handler: a.B::c, CodeUri: code}
                """);
        Run unknownFunction = run("invoke", "Nope", "--template", template.toString());
        assertEquals(2, unknownFunction.exitCode());
        assertTrue(
                unknownFunction.err().contains("Function not found")
                        && unknownFunction.err().contains("Echo"),
                unknownFunction.err());

        Run badOption = run("start-api", "--port", "many");
        assertEquals(2, badOption.exitCode());
        assertTrue(badOption.err().contains("Invalid value for option '--port'"), badOption.err());

        Run badMode = run("start-api", "--auth", "strict");
        assertEquals(2, badMode.exitCode());
        assertTrue(badMode.err().contains("'strict' is not enforce, warn or off"), badMode.err());
    }

    @Test
    void tokenPrintsAJwtOfTheLocalIssuerWithTheClaimsAsked() throws Exception {
        Path keys = directory.resolve("issuer");
        Run run = run(
                "token",
                "--key-dir",
                keys.toString(),
                "--scope",
                "fraud/infer",
                "--scope",
                "minilm/infer",
                "--aud",
                "app",
                "--sub",
                "bob",
                "--claim",
                "team=risk",
                "--issuer",
                "http://127.0.0.1:4000",
                "--expires-in",
                "120");
        assertEquals(0, run.exitCode(), run.err());
        SignedJWT token = SignedJWT.parse(run.out().trim());
        RSAKey key = new LocalIssuer(keys).key();
        assertTrue(token.verify(new RSASSAVerifier(key.toRSAPublicKey())), "signed by the key kept in --key-dir");
        assertEquals(key.getKeyID(), token.getHeader().getKeyID());
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertEquals("http://127.0.0.1:4000", claims.getIssuer());
        assertEquals("bob", claims.getSubject());
        assertEquals(List.of("app"), claims.getAudience());
        assertEquals("fraud/infer minilm/infer", claims.getStringClaim("scope"));
        assertEquals("risk", claims.getStringClaim("team"));
        long lifetime =
                claims.getExpirationTime().getTime() - claims.getIssueTime().getTime();
        assertEquals(120_000, lifetime);
        assertEquals(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(new LocalIssuer(keys).keyFile()),
                "the private key is the owner's alone");

        JWTClaimsSet expired = SignedJWT.parse(run("token", "--key-dir", keys.toString(), "--expired")
                        .out()
                        .trim())
                .getJWTClaimsSet();
        assertTrue(
                expired.getExpirationTime().toInstant().isBefore(Instant.now().minusSeconds(300)));
        assertEquals(List.of("skiff-local"), expired.getAudience(), "the default audience");
        SignedJWT later = SignedJWT.parse(run("token", "--key-dir", keys.toString(), "--not-before", "600")
                .out()
                .trim());
        assertTrue(later.getJWTClaimsSet()
                .getNotBeforeTime()
                .toInstant()
                .isAfter(Instant.now().plusSeconds(500)));
        assertEquals(key.getKeyID(), later.getHeader().getKeyID(), "the key is made once and kept");
        JWTClaimsSet cognitoLike = SignedJWT.parse(run("token", "--key-dir", keys.toString(), "--client-id", "c1")
                        .out()
                        .trim())
                .getJWTClaimsSet();
        assertTrue(cognitoLike.getAudience().isEmpty());
        assertEquals("c1", cognitoLike.getStringClaim("client_id"));

        Run never = run("token", "--key-dir", keys.toString(), "--expires-in", "0");
        assertEquals(2, never.exitCode());
        assertTrue(never.err().contains("--expires-in must be a positive number of seconds, got 0"), never.err());
    }
}
