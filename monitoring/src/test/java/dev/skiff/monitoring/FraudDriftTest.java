package dev.skiff.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.examples.fraud.Transaction;
import dev.skiff.examples.fraud.TransactionFile;
import dev.skiff.examples.fraud.TransactionGenerator;
import dev.skiff.monitoring.baseline.BaselineBuilder;
import dev.skiff.monitoring.baseline.Constraints;
import dev.skiff.monitoring.baseline.FeatureStatistics;
import dev.skiff.monitoring.baseline.FeatureType;
import dev.skiff.monitoring.baseline.Statistics;
import dev.skiff.monitoring.data.CaptureFiles;
import dev.skiff.monitoring.data.ColumnNames;
import dev.skiff.monitoring.data.Dataset;
import dev.skiff.monitoring.data.RowFiles;
import dev.skiff.monitoring.data.TrainingRows;
import dev.skiff.monitoring.drift.DriftCalculator;
import dev.skiff.monitoring.drift.DriftReport;
import dev.skiff.monitoring.drift.FeatureDrift;
import dev.skiff.monitoring.report.HtmlReport;
import dev.skiff.runtime.capture.CaptureRecord;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.Tensor;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The must-show: a baseline of 20,000 generated transactions (scored by the fraud model), then
 * captured windows of 10,000 requests. One from the same generator flags nothing; one with the
 * amount ×3 and card_present's mix changed flags exactly those two. Every PSI, KS and chi-square
 * figure is checked against a second computation on the raw samples (commons-math3 for the
 * tests): PSI and chi-square to 1e-9 relative (same counts); the KS statistic to the sketch's
 * normalized rank error (the baseline side is read from its KLL sketch), and the p-value's
 * decision at 0.01 the same.
 */
class FraudDriftTest {
    static final int BASELINE_ROWS = 20_000;
    static final int WINDOW_ROWS = 10_000;
    static final List<String> NUMERICAL = List.of(
            "amount_usd",
            "hour_of_day",
            "distance_from_home_km",
            "merchant_risk",
            "transactions_last_24h",
            "account_age_days");
    static final List<String> CATEGORICAL = List.of("card_present", "foreign");

    @TempDir
    static Path dir;

    static ModelVersion fraud;
    static List<Transaction> baselineRows;
    static Statistics baseline;

    @BeforeAll
    static void baseline() throws IOException {
        fraud = ExampleModels.load("fraud");
        Path csv = dir.resolve("train.csv");
        TransactionFile.write(csv, TransactionFile.Format.CSV, BASELINE_ROWS, 11, 0);
        baselineRows = new TransactionGenerator(11).generate(BASELINE_ROWS);
        Dataset data = TrainingRows.dataset(RowFiles.read(csv), fraud);
        baseline = BaselineBuilder.build("fraud", "1", ColumnNames.of(fraud.config()), data);
        baseline.write(dir.resolve("baseline"));
        Constraints.of(baseline).write(dir.resolve("baseline"));
    }

    @AfterAll
    static void close() {
        fraud.close();
    }

    @Test
    void theBaselineHasEveryFeatureWithItsType() throws IOException {
        Statistics read = Statistics.read(dir.resolve("baseline"));
        assertEquals(BASELINE_ROWS, read.rows());
        for (String name : NUMERICAL)
            assertEquals(FeatureType.NUMERICAL, read.feature(name).type(), name);
        for (String name : CATEGORICAL)
            assertEquals(FeatureType.CATEGORICAL, read.feature(name).type(), name);
        FeatureStatistics amount = read.feature("amount_usd");
        assertEquals(BASELINE_ROWS, amount.count());
        double[] raw = column(baselineRows, "amount_usd");
        assertEquals(java.util.Arrays.stream(raw).average().orElseThrow(), amount.mean(), 1e-9);
        assertEquals(java.util.Arrays.stream(raw).min().orElseThrow(), amount.min());
        assertTrue(read.feature("label").frequencies().containsKey("legit"), "the model's label is an output feature");
        assertEquals(Dataset.Role.OUTPUT, read.feature("probability").role());
        assertEquals(null, read.feature("transaction_id"), "ids are not what the model is fed");
    }

    @Test
    void aWindowFromTheSameGeneratorFlagsNothing() throws IOException {
        List<Transaction> window = new TransactionGenerator(12).generate(WINDOW_ROWS);
        DriftReport report = driftOf(window, "same");
        System.out.print(report.table());
        for (FeatureDrift f : report.features()) {
            assertTrue(f.tested(), f.name());
            assertFalse(f.drifted(), f.name());
            assertTrue(f.psi() < 0.1, f.name() + " PSI " + f.psi());
            assertTrue(f.pValue() >= 0.01, f.name() + " p " + f.pValue());
        }
        assertEquals("NO_DRIFT", report.verdict().status());
        checkAgainstRawSamples(report, window);
    }

    @Test
    void aWindowWithAmountTripledAndCardPresentMixChangedFlagsExactlyThose() throws IOException {
        List<Transaction> window = shifted(new TransactionGenerator(13).generate(WINDOW_ROWS));
        DriftReport report = driftOf(window, "shifted");
        System.out.print(report.table());
        HtmlReport.write(report, dir.resolve("shifted"));
        List<String> driftedInputs = new ArrayList<>();
        for (FeatureDrift f : report.features()) {
            if (f.role() == Dataset.Role.INPUT && f.drifted()) driftedInputs.add(f.name());
        }
        assertEquals(
                List.of("amount_usd", "card_present"),
                driftedInputs.stream().sorted().toList());
        for (FeatureDrift f : report.features()) {
            if (f.role() != Dataset.Role.INPUT) continue;
            if (driftedInputs.contains(f.name())) {
                assertTrue(f.psi() > 0.25, f.name() + " PSI " + f.psi());
                assertTrue(f.pValue() < 0.01, f.name() + " p " + f.pValue());
            } else {
                assertTrue(f.psi() < 0.1 && f.pValue() >= 0.01, f.name());
            }
        }
        assertEquals("FEATURE_DRIFT", report.verdict().status());
        assertEquals(2, report.verdict().inputsDrifted());
        assertEquals(8, report.verdict().inputsTested());
        assertTrue(
                report.verdict().summary().startsWith("2 of 8 input features drifted (amount_usd, card_present)"),
                report.verdict().summary());
        assertTrue(
                report.features().get(0).drifted() && report.features().get(1).drifted(), "drifted features first");
        checkAgainstRawSamples(report, window);

        String html = Files.readString(dir.resolve("shifted").resolve(HtmlReport.FILE));
        assertTrue(html.indexOf("<b>amount_usd</b>") < html.indexOf("<b>hour_of_day</b>"), "drifted first in the page");
        assertFalse(html.contains("<script"), "no scripts");
        Files.copy(
                dir.resolve("shifted").resolve(HtmlReport.FILE),
                Path.of("target", "fraud-shifted-report.html"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Amount ×3 (still in cents), and card present in 30% of transactions instead of about 70%. */
    static List<Transaction> shifted(List<Transaction> window) {
        Random random = new Random(99);
        List<Transaction> out = new ArrayList<>(window.size());
        for (Transaction t : window) {
            double[] features = t.features().clone();
            features[0] = Math.round(features[0] * 3 * 100) / 100.0;
            features[5] = random.nextDouble() < 0.3 ? 1 : 0;
            out.add(new Transaction(features, t.fraud()));
        }
        return out;
    }

    /** The window as 10,000 served one-row requests, captured as the function writes them, read back, compared. */
    static DriftReport driftOf(List<Transaction> window, String name) throws IOException {
        Path captures = dir.resolve("captures-" + name);
        Files.createDirectories(captures);
        ModelConfig.Capture everything = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of());
        try (BufferedWriter out = Files.newBufferedWriter(captures.resolve("fraud-1.jsonl"))) {
            int i = 0;
            for (Transaction t : window) {
                float[] row = new float[Transaction.FEATURE_COUNT];
                for (int c = 0; c < row.length; c++) row[c] = (float) t.features()[c];
                InferRequest request = new InferRequest(
                        "r" + i,
                        Map.of(),
                        List.of(Tensor.ofFloats("features", new long[] {1, row.length}, row)),
                        List.of(),
                        false);
                out.write(CaptureRecord.format(
                        everything, Target.LAMBDA, request, fraud.infer(request), "e" + i++, Instant.now()));
                out.write('\n');
                out.write("{\"level\":\"INFO\",\"message\":\"an ordinary log line, skipped\"}\n");
            }
        }
        Dataset data = CaptureFiles.read(
                captures,
                Statistics.read(dir.resolve("baseline")).names(),
                new CaptureFiles.Filter("fraud", "1", null));
        assertEquals(WINDOW_ROWS, data.rows());
        Statistics read = Statistics.read(dir.resolve("baseline"));
        return new DriftCalculator(read, Constraints.driftRule(dir.resolve("baseline"))).compare(data);
    }

    /** The second computation, on the raw doubles the generator made. */
    static void checkAgainstRawSamples(DriftReport report, List<Transaction> window) {
        for (String name : NUMERICAL) {
            FeatureDrift f = feature(report, name);
            double[] base = column(baselineRows, name);
            double[] win = column(window, name);
            FeatureStatistics stats = baseline.feature(name);
            assertEquals(psi(stats.bins().edges(), base, win), f.psi(), 1e-9 * Math.max(1, f.psi()), name + " PSI");
            double d = new KolmogorovSmirnovTest().kolmogorovSmirnovStatistic(base, win);
            double p = new KolmogorovSmirnovTest().approximateP(d, base.length, win.length);
            System.out.printf(
                    "%s: KS D %.5f (raw %.5f), p %.4g (raw %.4g); PSI %.5f%n",
                    name, f.statistic(), d, f.pValue(), p, f.psi());
            assertEquals(d, f.statistic(), stats.kll().normalizedRankError(), name + " KS statistic");
            assertEquals(p < 0.01, f.pValue() < 0.01, name + " KS decision");
        }
        for (String name : CATEGORICAL) {
            FeatureDrift f = feature(report, name);
            long[][] counts = categoryCounts(column(baselineRows, name), column(window, name));
            double[] shares0 = shares(counts[0]);
            double[] shares1 = shares(counts[1]);
            double psi = 0;
            for (int i = 0; i < shares0.length; i++)
                psi += (shares1[i] - shares0[i]) * Math.log(shares1[i] / shares0[i]);
            ChiSquareTest chi = new ChiSquareTest();
            double statistic = chi.chiSquareDataSetsComparison(counts[0], counts[1]);
            double p = chi.chiSquareTestDataSetsComparison(counts[0], counts[1]);
            System.out.printf(
                    "%s: chi-square %.5f (raw %.5f), p %.4g (raw %.4g); PSI %.5f (raw %.5f)%n",
                    name, f.statistic(), statistic, f.pValue(), p, f.psi(), psi);
            assertEquals(psi, f.psi(), 1e-9 * Math.max(1, psi), name + " PSI");
            assertEquals(statistic, f.statistic(), 1e-9 * Math.max(1, statistic), name + " chi-square");
            assertEquals(p, f.pValue(), 1e-9 + 1e-6 * p, name + " chi-square p");
        }
    }

    static double psi(double[] edges, double[] base, double[] win) {
        double[] b = shares(binCounts(edges, base));
        double[] w = shares(binCounts(edges, win));
        double psi = 0;
        for (int i = 0; i < b.length; i++) {
            double bi = Math.max(b[i], 1e-4);
            double wi = Math.max(w[i], 1e-4);
            psi += (wi - bi) * Math.log(wi / bi);
        }
        return psi;
    }

    /** Bin i holds the values in (edges[i-1], edges[i]]: counted by a plain scan, not a binary search. */
    static long[] binCounts(double[] edges, double[] values) {
        long[] counts = new long[edges.length + 1];
        for (double v : values) {
            int bin = 0;
            while (bin < edges.length && v > edges[bin]) bin++;
            counts[bin]++;
        }
        return counts;
    }

    static long[][] categoryCounts(double[] base, double[] win) {
        TreeMap<Double, long[]> table = new TreeMap<>();
        for (double v : base) table.computeIfAbsent(v, k -> new long[2])[0]++;
        for (double v : win) table.computeIfAbsent(v, k -> new long[2])[1]++;
        long[][] counts = new long[2][table.size()];
        int i = 0;
        for (long[] pair : table.values()) {
            counts[0][i] = pair[0];
            counts[1][i++] = pair[1];
        }
        return counts;
    }

    static double[] shares(long[] counts) {
        double total = java.util.Arrays.stream(counts).sum();
        return java.util.Arrays.stream(counts).mapToDouble(c -> c / total).toArray();
    }

    static double[] column(List<Transaction> rows, String name) {
        int c = TransactionFile.COLUMNS.indexOf(name);
        return rows.stream().mapToDouble(t -> t.features()[c]).toArray();
    }

    static FeatureDrift feature(DriftReport report, String name) {
        return report.features().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
