package dev.skiff.deployer.deploy;

import static dev.skiff.deployer.report.Sizes.bytes;

import dev.skiff.deployer.cli.UserError;
import dev.skiff.deployer.packaging.PackagedModel;
import dev.skiff.deployer.release.AliasMover;
import dev.skiff.deployer.release.AliasState;
import dev.skiff.deployer.release.LambdaFunctions;
import dev.skiff.deployer.release.LambdaReleaseChannel;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HexFormat;

/**
 * {@code skiff deploy --local}: a packaged model's .zip becomes a new version of its function in a
 * running emulator, through the Lambda API as on AWS (UpdateFunctionConfiguration with the plan's
 * memory and timeout, UpdateFunctionCode, PublishVersion), and an alias is pointed at it with the
 * same rules promote uses.
 */
public final class LocalRelease {
    /** Lambda's limit on a .zip sent in the request (UpdateFunctionCode's ZipFile). */
    public static final long MAX_ZIP_FILE_BYTES = 50L * 1024 * 1024;

    private final LambdaClient lambda;

    public LocalRelease(LambdaClient lambda) {
        this.lambda = lambda;
    }

    /** What one model's release did; {@code newVersion} is false when the code and configuration were unchanged. */
    public record Released(
            String model,
            String function,
            String version,
            boolean newVersion,
            String codeSha256,
            long codeSize,
            AliasState before,
            AliasState after) {}

    public Released release(PackagedModel model, String alias) {
        if (!model.isLambdaZip()) {
            throw new IllegalArgumentException(model.name() + " is not a Lambda .zip package");
        }
        if (model.zippedBytes() > MAX_ZIP_FILE_BYTES) {
            throw new UserError(model.name() + ": " + model.artifact() + " is " + bytes(model.zippedBytes())
                    + ", over the " + bytes(MAX_ZIP_FILE_BYTES) + " Lambda takes in an UpdateFunctionCode request");
        }
        String function = LambdaFunctions.of(lambda, model.name(), null);
        byte[] zip;
        try {
            zip = Files.readAllBytes(model.artifact());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + model.artifact() + "; run the deploy again", e);
        }
        String before = lambda.listVersionsByFunctionPaginator(b -> b.functionName(function)).versions().stream()
                .map(FunctionConfiguration::version)
                .reduce((a, b) -> b)
                .orElse("$LATEST");
        applyPlannedConfiguration(function, model);
        UpdateFunctionCodeResponse updated =
                lambda.updateFunctionCode(b -> b.functionName(function).zipFile(SdkBytes.fromByteArrayUnsafe(zip)));
        String expected = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(model.sha256()));
        if (!expected.equals(updated.codeSha256())) {
            throw new UserError(function + " reports CodeSha256 " + updated.codeSha256() + " for the package, not "
                    + expected + " (the SHA-256 of " + model.artifact() + "); the upload was changed on its way");
        }
        // CodeSha256 makes PublishVersion fail rather than publish code someone else uploaded meanwhile
        PublishVersionResponse published = lambda.publishVersion(b -> b.functionName(function)
                .codeSha256(updated.codeSha256())
                .description("skiff deploy --local: model " + model.name() + " versions "
                        + String.join(", ", model.versions())));
        LambdaReleaseChannel channel = new LambdaReleaseChannel(lambda, function);
        AliasState aliasBefore = channel.alias(alias).orElse(null);
        AliasState aliasAfter =
                aliasBefore != null && aliasBefore.version().equals(published.version()) && !aliasBefore.hasCanary()
                        ? aliasBefore
                        : AliasMover.promote(channel, alias, published.version(), null);
        return new Released(
                model.name(),
                function,
                published.version(),
                !published.version().equals(before),
                updated.codeSha256(),
                updated.codeSize(),
                aliasBefore,
                aliasAfter);
    }

    /**
     * The plan's MemorySize and Timeout, as a CloudFormation deploy of the plan's template would set
     * them: the version published next runs with what was planned and measured for it.
     */
    private void applyPlannedConfiguration(String function, PackagedModel model) {
        GetFunctionConfigurationResponse current = lambda.getFunctionConfiguration(b -> b.functionName(function));
        Integer memory = changed(current.memorySize(), model.memoryMb());
        Integer timeout = changed(current.timeout(), model.timeoutSeconds());
        if (memory != null || timeout != null) {
            lambda.updateFunctionConfiguration(
                    b -> b.functionName(function).memorySize(memory).timeout(timeout));
        }
    }

    /** The planned value where it differs from the current one, else null (no change). */
    private static Integer changed(Integer current, Integer planned) {
        return planned == null || planned.equals(current) ? null : planned;
    }
}
