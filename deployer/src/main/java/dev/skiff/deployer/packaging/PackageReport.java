package dev.skiff.deployer.packaging;

import static dev.skiff.deployer.report.Sizes.bytes;

import dev.skiff.deployer.plan.LambdaLimits;
import dev.skiff.deployer.report.TextTable;
import dev.skiff.runtime.contract.Target;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Package sizes against Lambda's limits, and the problems a deploy would hit. */
public final class PackageReport {
    private PackageReport() {}

    public static void print(PackageManifest manifest, LambdaLimits limits, PrintWriter out) {
        TextTable table =
                new TextTable("MODEL", "TARGET", "PACKAGE", "ZIPPED", "UNZIPPED", "LIMIT", "NATIVES", "ARTIFACT");
        for (PackagedModel m : manifest.models()) {
            String limit = switch (m.packageType()) {
                case "zip" ->
                    verdict(m.unzippedBytes(), limits.zipUnzippedBytes()) + " of 250 MB unzipped"
                            + (m.zippedBytes() > limits.zipUploadBytes()
                                    ? "; over 50 MB zipped: deployed from S3"
                                    : "");
                case "image" -> verdict(m.unzippedBytes(), limits.imageBytes()) + " of 10 GB image";
                default -> "GPU pool image";
            };
            table.row(
                    m.name(),
                    m.target(),
                    m.packageType(),
                    m.zippedBytes() == 0 ? null : bytes(m.zippedBytes()),
                    bytes(m.unzippedBytes()),
                    limit,
                    m.target() == Target.LAMBDA ? architectureNatives(m.architecture()) : "-",
                    m.artifact());
        }
        table.print(out, "");
        for (String problem : problems(manifest, limits)) out.println("warning: " + problem);
        out.flush();
    }

    /** Packages that break a limit: deploy refuses them. */
    public static List<String> problems(PackageManifest manifest, LambdaLimits limits) {
        List<String> problems = new ArrayList<>();
        for (PackagedModel m : manifest.models()) {
            if (m.packageType().equals("zip") && m.unzippedBytes() > limits.zipUnzippedBytes()) {
                problems.add(
                        m.name() + ": " + bytes(m.unzippedBytes()) + " unzipped is over Lambda's 250 MB .zip limit; "
                                + "the plan underestimated it: set \"target\": \"gpu\" or ship fewer versions");
            }
        }
        return problems;
    }

    private static String verdict(long size, long limit) {
        return String.format("%.0f%%", 100.0 * size / limit);
    }

    private static String architectureNatives(String architecture) {
        return Architecture.parse(architecture).onnxRuntimeFolder + " only";
    }
}
