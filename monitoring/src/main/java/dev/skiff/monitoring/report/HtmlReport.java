package dev.skiff.monitoring.report;

import dev.skiff.monitoring.baseline.Numbers;
import dev.skiff.monitoring.data.Dataset;
import dev.skiff.monitoring.drift.DriftReport;
import dev.skiff.monitoring.drift.FeatureDrift;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The drift report as one self-contained HTML page: the verdict, a table of every feature, and
 * per feature the baseline's and the window's histograms side by side as inline SVG, drifted
 * features first. No scripts and nothing fetched from the network: it opens from an S3 console
 * download or a CI artifact as it is.
 */
public final class HtmlReport {
    public static final String FILE = "report.html";

    /** The most bars a picture shows: the categories beyond are few rows each and unreadable anyway. */
    static final int MAX_BINS = 24;

    private static final String BASELINE_COLOR = "#4c78a8";
    private static final String WINDOW_COLOR = "#f58518";

    private HtmlReport() {}

    public static void write(DriftReport report, Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(FILE), render(report), StandardCharsets.UTF_8);
    }

    public static String render(DriftReport report) {
        StringBuilder html = new StringBuilder(16_384);
        DriftReport.Verdict verdict = report.verdict();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Drift report: ")
                .append(escape(report.model()))
                .append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}")
                .append(
                        "table{border-collapse:collapse;margin:12px 0}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}")
                .append(".drift{color:#b00020;font-weight:bold}.ok{color:#2e7d32}.muted{color:#777}")
                .append(".verdict{padding:10px 14px;border-radius:6px;display:inline-block;font-weight:bold}")
                .append(
                        ".v-DATASET_DRIFT,.v-FEATURE_DRIFT{background:#fde7e9;color:#b00020}.v-NO_DRIFT{background:#e8f5e9;color:#2e7d32}")
                .append(
                        ".feature{display:inline-block;vertical-align:top;margin:10px 18px 18px 0;padding:8px;border:1px solid #ddd;border-radius:6px}")
                .append(".feature.drifted{border-color:#b00020}")
                .append("</style></head><body>\n");
        html.append("<h1>Drift report: ").append(escape(report.model()));
        if (report.modelVersion() != null) html.append(" version ").append(escape(report.modelVersion()));
        html.append("</h1>\n<p class=\"muted\">")
                .append(escape(report.createdAt()))
                .append(" · baseline ")
                .append(report.baselineRows())
                .append(" rows · window ")
                .append(report.windowRows())
                .append(" rows</p>\n");
        html.append("<p class=\"verdict v-")
                .append(verdict.status())
                .append("\">")
                .append(verdict.status())
                .append(": ")
                .append(escape(verdict.summary()))
                .append("</p>\n");
        html.append(String.format(
                Locale.ROOT,
                "<p class=\"muted\">Rule: a feature drifts when its test's p-value is below %s and its PSI is at least %s"
                        + " (PSI bands: &lt; %s stable, up to %s moderate, above major); the dataset drifts when more than"
                        + " %.0f%% of its input features do.</p>\n",
                Numbers.format(report.rule().pValue()),
                Numbers.format(report.rule().psiModerate()),
                Numbers.format(report.rule().psiModerate()),
                Numbers.format(report.rule().psiMajor()),
                100 * report.rule().datasetShare()));
        table(html, report);
        html.append("<h2>Histograms</h2>\n<p><svg width=\"12\" height=\"12\"><rect width=\"12\" height=\"12\" fill=\"")
                .append(BASELINE_COLOR)
                .append(
                        "\"/></svg> baseline &nbsp; <svg width=\"12\" height=\"12\"><rect width=\"12\" height=\"12\" fill=\"")
                .append(WINDOW_COLOR)
                .append("\"/></svg> window (share of rows per bin)</p>\n");
        for (FeatureDrift feature : report.features()) {
            if (!feature.tested()) continue;
            html.append("<div class=\"feature")
                    .append(feature.drifted() ? " drifted" : "")
                    .append("\"><b>")
                    .append(escape(feature.name()))
                    .append("</b> ")
                    .append(feature.drifted() ? "<span class=\"drift\">drift</span>" : "<span class=\"ok\">ok</span>")
                    .append(String.format(
                            Locale.ROOT,
                            "<br><span class=\"muted\">PSI %.3f · %s p %s</span><br>\n",
                            feature.psi(),
                            feature.test(),
                            escape(pEquals(feature.pValue()))));
            histogram(html, feature);
            html.append("</div>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    private static void table(StringBuilder html, DriftReport report) {
        html.append("<table><tr><th>feature</th><th>role</th><th>type</th><th>PSI</th><th>band</th><th>test</th>"
                + "<th>statistic</th><th>p-value</th><th>drift</th></tr>\n");
        for (FeatureDrift f : report.features()) {
            html.append("<tr><td>")
                    .append(escape(f.name()))
                    .append("</td><td>")
                    .append(f.role() == Dataset.Role.INPUT ? "input" : "output")
                    .append("</td><td>")
                    .append(f.type().json())
                    .append("</td>");
            if (!f.tested()) {
                html.append("<td colspan=\"6\" class=\"muted\">not tested: ")
                        .append(escape(f.note()))
                        .append("</td></tr>\n");
                continue;
            }
            html.append(String.format(
                            Locale.ROOT,
                            "<td>%.4f</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>",
                            f.psi(),
                            f.psiBand(),
                            f.test(),
                            Numbers.format(f.statistic()),
                            escape(Numbers.pValue(f.pValue()))))
                    .append(f.drifted() ? "<td class=\"drift\">DRIFT</td>" : "<td class=\"ok\">ok</td>")
                    .append("</tr>\n");
        }
        html.append("</table>\n");
    }

    /** Grouped bars per bin: the baseline's share and the window's, on one scale. */
    static void histogram(StringBuilder html, FeatureDrift feature) {
        int bins = Math.min(MAX_BINS, feature.bins().size());
        int width = 520;
        int height = 190;
        int top = 10;
        int plot = 130; // bar area height; the labels go below
        int left = 36;
        double slot = (double) (width - left - 6) / bins;
        double max = 0;
        for (int i = 0; i < bins; i++)
            max = Math.max(max, Math.max(feature.baselineShares()[i], feature.windowShares()[i]));
        if (max == 0) max = 1;
        html.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" role=\"img\" aria-label=\"histogram of ")
                .append(escape(feature.name()))
                .append("\">\n");
        html.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n",
                left,
                top + plot,
                width - 4,
                top + plot));
        html.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%.0f%%</text>\n",
                left - 4,
                top + 8,
                100 * max));
        for (int i = 0; i < bins; i++) {
            double x = left + i * slot;
            double bar = Math.max(1, slot / 2 - 2);
            bar(html, x + 1, bar, feature.baselineShares()[i] / max * plot, top + plot, BASELINE_COLOR);
            bar(html, x + 1 + bar, bar, feature.windowShares()[i] / max * plot, top + plot, WINDOW_COLOR);
            double cx = x + slot / 2;
            html.append(String.format(
                    Locale.ROOT,
                    "<text font-size=\"9\" transform=\"translate(%.1f,%d) rotate(35)\">%s</text>\n",
                    cx - 4,
                    top + plot + 10,
                    escape(shorten(feature.bins().get(i)))));
        }
        html.append("</svg>\n");
    }

    private static void bar(StringBuilder html, double x, double width, double h, int baseline, String color) {
        html.append(String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                x,
                baseline - h,
                width,
                h,
                color));
    }

    /** "= 0.242", or "< 1e-300" where the p-value is below what a double holds. */
    private static String pEquals(double p) {
        String text = Numbers.pValue(p);
        return text.startsWith("<") ? text : "= " + text;
    }

    private static String shorten(String label) {
        return label.length() <= 16 ? label : label.substring(0, 15) + "…";
    }

    static String escape(String text) {
        if (text == null) return "";
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
