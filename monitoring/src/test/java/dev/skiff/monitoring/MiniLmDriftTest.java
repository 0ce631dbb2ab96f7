package dev.skiff.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.monitoring.baseline.BaselineBuilder;
import dev.skiff.monitoring.baseline.Constraints;
import dev.skiff.monitoring.baseline.FeatureStatistics;
import dev.skiff.monitoring.baseline.FeatureType;
import dev.skiff.monitoring.baseline.Statistics;
import dev.skiff.monitoring.data.ColumnNames;
import dev.skiff.monitoring.data.TrainingRows;
import dev.skiff.monitoring.drift.DriftCalculator;
import dev.skiff.monitoring.drift.DriftReport;
import dev.skiff.monitoring.drift.FeatureDrift;
import dev.skiff.runtime.model.ModelVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The embedding statistic on minilm: a baseline of card-support messages; a window of more
 * messages like them is not flagged, a window about cooking and football is, by the embeddings'
 * cosine distance to the baseline's mean vector.
 */
class MiniLmDriftTest {
    static ModelVersion minilm;
    static Statistics baseline;

    @BeforeAll
    static void baseline() {
        minilm = ExampleModels.load("minilm");
        baseline = BaselineBuilder.build(
                "minilm",
                "1",
                ColumnNames.of(minilm.config()),
                TrainingRows.dataset(texts(Corpus.CARD_SUPPORT, 300, 1), minilm));
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    @Test
    void theBaselineHoldsTheMeanVectorAndTheDistancesToIt() {
        FeatureStatistics embedding = baseline.feature("embedding");
        assertEquals(FeatureType.EMBEDDING, embedding.type());
        assertEquals(384, embedding.meanVector().length);
        assertEquals(300, embedding.distance().count());
        assertTrue(embedding.distance().max() < 1, "card-support messages lie together");
        assertEquals(FeatureType.TEXT, baseline.feature("text").type(), "the texts themselves: summarized by length");
    }

    @Test
    void aWindowFromTheBaselinesCorpusIsNotFlagged() {
        DriftReport report = drift(Corpus.CARD_SUPPORT, 2);
        System.out.print(report.table());
        FeatureDrift embedding = embedding(report);
        assertFalse(embedding.drifted());
        assertTrue(embedding.psi() < 0.1 && embedding.pValue() >= 0.01, embedding.toString());
        assertEquals("NO_DRIFT", report.verdict().status());
    }

    @Test
    void aWindowOnAnotherTopicIsFlaggedByTheEmbeddingStatistic() {
        DriftReport report = drift(Corpus.OFF_TOPIC, 3);
        System.out.print(report.table());
        FeatureDrift embedding = embedding(report);
        assertTrue(embedding.drifted());
        assertTrue(embedding.psi() > 0.25 && embedding.pValue() < 0.01, embedding.toString());
        assertTrue(report.verdict().driftedFeatures().contains("embedding"));
    }

    static DriftReport drift(Corpus corpus, long seed) {
        return new DriftCalculator(baseline, Constraints.Drift.DEFAULT)
                .compare(TrainingRows.dataset(texts(corpus, 150, seed), minilm));
    }

    static FeatureDrift embedding(DriftReport report) {
        return report.features().stream()
                .filter(f -> f.name().equals("embedding"))
                .findFirst()
                .orElseThrow();
    }

    /** Sentences from templates: enough variety that no two windows repeat each other. */
    enum Corpus {
        CARD_SUPPORT(
                List.of(
                        "My card was charged twice for %s at %s.",
                        "I see a duplicate payment of %s from %s on my statement.",
                        "Why was my card declined at %s when I paid %s?",
                        "Please refund the %s charge from %s.",
                        "Someone used my card at %s for %s without my permission.",
                        "The %s transaction at %s is still pending after three days."),
                List.of("$12.40", "$89.99", "$250", "$5.10", "$1,200", "$34.75", "$7.99", "$640"),
                List.of(
                        "the grocery store",
                        "an online shop",
                        "a gas station",
                        "the airline",
                        "a hotel",
                        "the pharmacy",
                        "a streaming service",
                        "the electronics store")),
        OFF_TOPIC(
                List.of(
                        "Bake the %s for %s until it turns golden.", "The team scored %s goals against %s last night.",
                        "Add %s of sugar to the %s and stir gently.",
                                "Our coach says %s will decide the match against %s.",
                        "Simmer the %s with %s for twenty minutes.", "The striker ran past %s and shot into %s."),
                List.of("bread", "two", "a cup", "the soup", "the chicken", "garlic", "the defender", "the stew"),
                List.of(
                        "forty minutes",
                        "the visitors",
                        "the cake batter",
                        "the weather",
                        "fresh basil",
                        "the top corner",
                        "the rival club",
                        "the oven"));

        final List<String> templates;
        final List<String> first;
        final List<String> second;

        Corpus(List<String> templates, List<String> first, List<String> second) {
            this.templates = templates;
            this.first = first;
            this.second = second;
        }
    }

    static List<Map<String, Object>> texts(Corpus corpus, int count, long seed) {
        Random random = new Random(seed);
        List<Map<String, Object>> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String template = corpus.templates.get(random.nextInt(corpus.templates.size()));
            String text = String.format(
                    template,
                    corpus.first.get(random.nextInt(corpus.first.size())),
                    corpus.second.get(random.nextInt(corpus.second.size())));
            rows.add(Map.of("id", "t" + i, "text", text));
        }
        return rows;
    }
}
