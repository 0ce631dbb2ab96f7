package dev.skiff.monitoring.scheduled;

/**
 * Where monitoring keeps things in its bucket, per model and version: Firehose delivers captures
 * under {@code capture/<model>/<version>/}, {@code skiff baseline} results are uploaded to
 * {@code baselines/<model>/<version>/}, and the drift function writes {@code
 * drift-reports/<model>/<version>/<time>/} and {@code .../latest.json}. The template's IAM
 * policies grant exactly these prefixes.
 */
public final class MonitoringKeys {
    public static final String CAPTURE = "capture/";
    public static final String BASELINES = "baselines/";
    public static final String REPORTS = "drift-reports/";
    public static final String LATEST = "latest.json";

    private MonitoringKeys() {}

    public static String captures(String model) {
        return CAPTURE + model + "/";
    }

    public static String captures(String model, String version) {
        return captures(model) + version + "/";
    }

    public static String baseline(String model, String version) {
        return BASELINES + model + "/" + version + "/";
    }

    public static String reports(String model, String version) {
        return REPORTS + model + "/" + version + "/";
    }
}
