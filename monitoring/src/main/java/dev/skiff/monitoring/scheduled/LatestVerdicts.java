package dev.skiff.monitoring.scheduled;

import dev.skiff.monitoring.drift.DriftReport;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The last drift verdict of each of a model's versions, from the latest.json the drift function writes. */
public final class LatestVerdicts {
    private LatestVerdicts() {}

    /** Version to its last report; versions never checked are left out. */
    public static Map<String, DriftReport> read(S3Client s3, String bucket, String model, List<String> versions)
            throws IOException {
        Map<String, DriftReport> reports = new LinkedHashMap<>();
        for (String version : versions) {
            String key = MonitoringKeys.reports(model, version) + MonitoringKeys.LATEST;
            try {
                reports.put(
                        version,
                        DriftReport.parse(
                                s3.getObjectAsBytes(b -> b.bucket(bucket).key(key))
                                        .asByteArray()));
            } catch (NoSuchKeyException e) {
                // not checked yet: no baseline, or no captures so far
            }
        }
        return reports;
    }

    /** One line for a terminal: the version, the status, when, and the verdict's summary. */
    public static String describe(String model, String version, DriftReport report) {
        return model + " version " + version + ": " + report.verdict().status() + " at " + report.createdAt() + " ("
                + report.windowRows() + " rows): " + report.verdict().summary();
    }
}
