package dev.skiff.examples.fraud;

import ai.onnx.proto.OnnxMl;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Trains the example fraud model, logistic regression with Tribuo, on synthetic transactions
 * and exports it to ONNX.
 *
 * <p>Usage: {@code FraudModelTrainer <model.onnx> [--seed N]}. Without a seed it trains with
 * {@link #DEFAULT_SEED}, and does nothing when the model file is newer than the trainer's classes
 * (the build runs it every time); delete the file to retrain.
 */
public final class FraudModelTrainer {

    public static final long DEFAULT_SEED = 20_240_611L;
    public static final String INPUT_NAME = "features";
    public static final String OUTPUT_NAME = "probabilities";
    public static final String FRAUD = "fraud";
    public static final String LEGIT = "legit";
    /** The output columns, in order; must match Tribuo's label ids (checked when exporting). */
    public static final List<String> LABELS = List.of(FRAUD, LEGIT);

    static final int TRAINING_ROWS = 50_000;
    static final int TEST_ROWS = 20_000;
    static final int EPOCHS = 10;

    private static final LabelFactory LABEL_FACTORY = new LabelFactory();

    /** A trained model, the standardization its graph applies first, and how it did. */
    public record TrainedModel(LinearSGDModel model, FeatureStandardizer standardizer, TrainingReport report) {}

    private FraudModelTrainer() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--seed"))) {
            System.err.println("usage: FraudModelTrainer <model.onnx> [--seed N]");
            System.exit(2);
        }
        Path modelFile = Path.of(args[0]);
        long seed = args.length == 3 ? Long.parseLong(args[2]) : DEFAULT_SEED;
        if (args.length == 1 && isNewerThanTrainerClasses(modelFile)) {
            System.out.println("fraud model is up to date: " + modelFile);
            return;
        }
        TrainedModel trained = train(seed);
        writeOnnx(trained, modelFile);
        System.out.println(trained.report());
        System.out.println("wrote " + modelFile);
    }

    public static TrainedModel train(long seed) {
        TransactionGenerator generator = new TransactionGenerator(seed);
        List<Transaction> training = generator.generate(TRAINING_ROWS);
        List<Transaction> heldOut = generator.generate(TEST_ROWS);
        FeatureStandardizer standardizer = FeatureStandardizer.fit(training);

        // AdaGrad adapts the step per feature; the trainer's seed fixes the shuffling order
        LinearSGDTrainer trainer =
                new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), EPOCHS, -1, 1, seed);
        LinearSGDModel model = (LinearSGDModel) trainer.train(toDataset(training, standardizer, "training"));

        LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, toDataset(heldOut, standardizer, "held out"));
        Label fraud = new Label(FRAUD);
        TrainingReport report = new TrainingReport(
                seed,
                training.size(),
                countFrauds(training),
                heldOut.size(),
                countFrauds(heldOut),
                evaluation.accuracy(),
                evaluation.AUCROC(fraud),
                evaluation.precision(fraud),
                evaluation.recall(fraud));
        return new TrainedModel(model, standardizer, report);
    }

    /**
     * The ONNX graph: standardize, then Tribuo's own graph for the model (Gemm, Softmax).
     * Not {@code saveONNXModel}: it embeds the Tribuo provenance, which records the training
     * time and host, and the model file must be the same bytes for the same seed.
     */
    public static OnnxMl.ModelProto toOnnx(TrainedModel trained) {
        LinearSGDModel model = trained.model();
        checkColumnOrder(model.getFeatureIDMap(), model.getOutputIDInfo());

        ONNXContext onnx = new ONNXContext();
        onnx.setName("skiff-fraud-logistic-regression");
        ONNXPlaceholder input = onnx.floatInput(INPUT_NAME, Transaction.FEATURE_COUNT);
        ONNXPlaceholder output = onnx.floatOutput(OUTPUT_NAME, LABELS.size());
        ONNXNode standardized = input.apply(
                        ONNXOperators.SUB,
                        onnx.array("feature_means", trained.standardizer().means(), true))
                .apply(
                        ONNXOperators.DIV,
                        onnx.array(
                                "feature_standard_deviations",
                                trained.standardizer().standardDeviations(),
                                true));
        model.writeONNXGraph(standardized).assignTo(output);

        return OnnxMl.ModelProto.newBuilder()
                .setGraph(onnx.buildGraph())
                .setDomain("dev.skiff.examples.fraud")
                .setProducerName("Tribuo")
                .setProducerVersion(Tribuo.VERSION)
                .setModelVersion(1)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setIrVersion(6)
                .setDocString("Skiff example fraud model: logistic regression on synthetic card transactions, seed "
                        + trained.report().seed())
                .addMetadataProps(metadata("features", String.join(",", Transaction.FEATURE_NAMES)))
                .addMetadataProps(metadata("labels", String.join(",", LABELS)))
                .addMetadataProps(
                        metadata("seed", Long.toString(trained.report().seed())))
                .build();
    }

    /** Writes to a temporary file first, so a failed build never leaves half a model behind. */
    public static void writeOnnx(TrainedModel trained, Path modelFile) throws IOException {
        Files.createDirectories(modelFile.toAbsolutePath().getParent());
        Path temporary = modelFile.resolveSibling(modelFile.getFileName() + ".tmp");
        try {
            Files.write(temporary, toOnnx(trained).toByteArray());
            Files.move(temporary, modelFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static Dataset<Label> toDataset(
            List<Transaction> transactions, FeatureStandardizer standardizer, String description) {
        MutableDataset<Label> dataset = new MutableDataset<>(
                new SimpleDataSourceProvenance("synthetic card transactions, " + description, LABEL_FACTORY),
                LABEL_FACTORY);
        String[] names = Transaction.FEATURE_NAMES.toArray(String[]::new);
        for (Transaction transaction : transactions) {
            Label label = new Label(transaction.fraud() ? FRAUD : LEGIT);
            dataset.add(new ArrayExample<>(label, names, standardizer.apply(transaction.features())));
        }
        return dataset;
    }

    /** The graph takes columns in Tribuo's id order; fail rather than export a model that reads them wrong. */
    private static void checkColumnOrder(ImmutableFeatureMap features, ImmutableOutputInfo<Label> labels) {
        List<String> featureOrder = IntStream.range(0, features.size())
                .mapToObj(id -> features.get(id).getName())
                .toList();
        if (!featureOrder.equals(Transaction.FEATURE_NAMES)) {
            throw new IllegalStateException("Tribuo feature order " + featureOrder + " is not the documented order "
                    + Transaction.FEATURE_NAMES);
        }
        List<String> labelOrder = IntStream.range(0, labels.size())
                .mapToObj(id -> labels.getOutput(id).getLabel())
                .toList();
        if (!labelOrder.equals(LABELS)) {
            throw new IllegalStateException(
                    "Tribuo label order " + labelOrder + " is not the documented order " + LABELS);
        }
    }

    private static int countFrauds(List<Transaction> transactions) {
        return (int) transactions.stream().filter(Transaction::fraud).count();
    }

    private static OnnxMl.StringStringEntryProto metadata(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder()
                .setKey(key)
                .setValue(value)
                .build();
    }

    /** True when the model file exists and no trainer class was compiled after it was written. */
    private static boolean isNewerThanTrainerClasses(Path modelFile) throws IOException {
        if (!Files.exists(modelFile)) {
            return false;
        }
        Path classes;
        try {
            classes = Path.of(FraudModelTrainer.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (Exception notAFileLocation) {
            return false;
        }
        if (!Files.isDirectory(classes)) {
            return false; // running from a jar: cannot tell, so train
        }
        Path trainerPackage =
                classes.resolve(FraudModelTrainer.class.getPackageName().replace('.', '/'));
        long modelTime = modelFile.toFile().lastModified();
        try (var files = Files.walk(trainerPackage)) {
            return files.filter(Files::isRegularFile)
                    .allMatch(classFile -> classFile.toFile().lastModified() < modelTime);
        }
    }
}
