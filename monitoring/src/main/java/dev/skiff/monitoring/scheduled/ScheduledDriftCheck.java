package dev.skiff.monitoring.scheduled;

import dev.skiff.monitoring.baseline.Constraints;
import dev.skiff.monitoring.baseline.Statistics;
import dev.skiff.monitoring.data.CaptureFiles;
import dev.skiff.monitoring.data.S3Captures;
import dev.skiff.monitoring.drift.DriftCalculator;
import dev.skiff.monitoring.drift.DriftReport;
import dev.skiff.monitoring.report.HtmlReport;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the scheduled drift function does for one model: for each version with captures and a
 * baseline in the bucket, compares the last window's captures with the baseline (the same
 * computation as {@code skiff drift}), writes report.json, report.html and latest.json next to
 * them, and logs EMF metrics. A version without a baseline or without captures in the window is
 * logged and skipped.
 */
public final class ScheduledDriftCheck {
    private final S3Client s3;
    private final String bucket;
    private final Consumer<String> log;

    public ScheduledDriftCheck(S3Client s3, String bucket, Consumer<String> log) {
        this.s3 = s3;
        this.bucket = bucket;
        this.log = log;
    }

    /** @return the reports written, one per version checked */
    public List<DriftReport> run(String model, Duration window, Instant now) throws IOException {
        List<DriftReport> reports = new ArrayList<>();
        for (String version : versions(model)) {
            Statistics baseline = baseline(model, version);
            if (baseline == null) {
                log.accept(
                        "{\"message\":\"no baseline at s3://" + bucket + "/" + MonitoringKeys.baseline(model, version)
                                + "statistics.json; run skiff baseline and upload it\",\"model\":\"" + model
                                + "\",\"version\":\"" + version + "\"}");
                continue;
            }
            Instant since = now.minus(window);
            CaptureFiles captures = S3Captures.read(
                    s3,
                    bucket,
                    MonitoringKeys.captures(model, version),
                    baseline.names(),
                    new CaptureFiles.Filter(model, version, since));
            if (captures.records() == 0) {
                log.accept("{\"message\":\"no captures since " + since + "\",\"model\":\"" + model + "\",\"version\":\""
                        + version + "\"}");
                continue;
            }
            DriftReport report = new DriftCalculator(baseline, rule(model, version)).compare(captures.dataset());
            write(model, version, report, now);
            DriftMetrics.lines(model, version, report, now).forEach(log);
            reports.add(report);
        }
        return reports;
    }

    private List<String> versions(String model) {
        String prefix = MonitoringKeys.captures(model);
        List<String> versions = new ArrayList<>();
        ListObjectsV2Request list = ListObjectsV2Request.builder()
                .bucket(bucket)
                .prefix(prefix)
                .delimiter("/")
                .build();
        for (CommonPrefix common : s3.listObjectsV2Paginator(list).commonPrefixes()) {
            String version =
                    common.prefix().substring(prefix.length(), common.prefix().length() - 1);
            if (!version.isEmpty()) versions.add(version);
        }
        return versions;
    }

    private Statistics baseline(String model, String version) {
        byte[] json = object(MonitoringKeys.baseline(model, version) + Statistics.FILE);
        return json == null
                ? null
                : Statistics.parse(
                        json, "s3://" + bucket + "/" + MonitoringKeys.baseline(model, version) + Statistics.FILE);
    }

    private Constraints.Drift rule(String model, String version) {
        String key = MonitoringKeys.baseline(model, version) + Constraints.FILE;
        byte[] json = object(key);
        return json == null ? Constraints.Drift.DEFAULT : Constraints.driftRule(json, "s3://" + bucket + "/" + key);
    }

    private byte[] object(String key) {
        try {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    private void write(String model, String version, DriftReport report, Instant now) throws IOException {
        String folder = MonitoringKeys.reports(model, version);
        String at = folder + now.truncatedTo(ChronoUnit.SECONDS).toString().replace(':', '-') + "/";
        byte[] json = report.toJson();
        put(at + DriftReport.FILE, json, "application/json");
        put(
                at + HtmlReport.FILE,
                HtmlReport.render(report).getBytes(StandardCharsets.UTF_8),
                "text/html; charset=utf-8");
        put(folder + MonitoringKeys.LATEST, json, "application/json");
    }

    private void put(String key, byte[] body, String contentType) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(body));
    }
}
