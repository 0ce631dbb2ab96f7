package dev.skiff.examples.fraud;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes generated transactions as a batch input file, CSV with a header row or JSONL, with the
 * column names the fraud model's {@code "batch"} config maps (the feature names without their
 * ordering prefix), a {@code transaction_id} to pass through and the {@code is_fraud} truth.
 *
 * <pre>java -cp examples/target/classes dev.skiff.examples.fraud.TransactionFile \
 *     --rows 1000000 --seed 7 --format csv --bad-every 100000 transactions.csv</pre>
 *
 * {@code --bad-every N} spoils every Nth row (1-based), in turn: a string where a number belongs,
 * a missing column, an empty line; so a batch run's failed-items file has something to show.
 */
public final class TransactionFile {
    /** The batch columns: {@link Transaction#FEATURE_NAMES} without the "00_" prefix. */
    public static final List<String> COLUMNS = columns();

    public static final String ID = "transaction_id";
    public static final String TRUTH = "is_fraud";

    public enum Format {
        CSV,
        JSONL
    }

    private TransactionFile() {}

    public static void main(String[] args) throws IOException {
        int rows = 1000;
        long seed = FraudModelTrainer.DEFAULT_SEED;
        Format format = null;
        int badEvery = 0;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--format" -> format = Format.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--bad-every" -> badEvery = Integer.parseInt(args[++i]);
                default -> {
                    if (args[i].startsWith("--") || out != null) usage("unknown argument " + args[i]);
                    out = Path.of(args[i]);
                }
            }
        }
        if (out == null) usage("name the file to write");
        if (format == null) format = out.toString().endsWith(".jsonl") ? Format.JSONL : Format.CSV;
        write(out, format, rows, seed, badEvery);
        System.out.println("wrote " + rows + " transactions (seed " + seed + ") to " + out);
    }

    private static void usage(String problem) {
        System.err.println("error: " + problem);
        System.err.println("usage: TransactionFile [--rows N] [--seed S] [--format csv|jsonl] [--bad-every N] FILE");
        System.exit(2);
    }

    public static void write(Path file, Format format, int rows, long seed, int badEvery) throws IOException {
        TransactionGenerator generator = new TransactionGenerator(seed);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (format == Format.CSV) out.write(ID + "," + String.join(",", COLUMNS) + "," + TRUTH + "\n");
            int spoiled = 0;
            for (int row = 1; row <= rows; row++) {
                Transaction transaction = generator.next();
                Badness bad = badEvery > 0 && row % badEvery == 0 ? Badness.values()[spoiled++ % 3] : Badness.NONE;
                out.write(format == Format.CSV ? csv(row, transaction, bad) : jsonl(row, transaction, bad));
            }
        }
    }

    private enum Badness {
        NOT_A_NUMBER,
        MISSING_COLUMN,
        EMPTY_LINE,
        NONE
    }

    private static String csv(int row, Transaction t, Badness bad) {
        if (bad == Badness.EMPTY_LINE) return "\n";
        StringBuilder line = new StringBuilder(96).append("t").append(row);
        for (int c = 0; c < COLUMNS.size(); c++) {
            line.append(',');
            if (c == 0 && bad == Badness.NOT_A_NUMBER) line.append("twelve");
            else if (c == 0 && bad == Badness.MISSING_COLUMN) continue; // an empty field: nothing in the column
            else line.append(number(t.features()[c]));
        }
        return line.append(',').append(t.fraud() ? 1 : 0).append('\n').toString();
    }

    private static String jsonl(int row, Transaction t, Badness bad) {
        if (bad == Badness.EMPTY_LINE) return "\n";
        StringBuilder line = new StringBuilder(200)
                .append("{\"")
                .append(ID)
                .append("\":\"t")
                .append(row)
                .append('"');
        for (int c = 0; c < COLUMNS.size(); c++) {
            if (c == 0 && bad == Badness.MISSING_COLUMN) continue;
            line.append(",\"").append(COLUMNS.get(c)).append("\":");
            if (c == 0 && bad == Badness.NOT_A_NUMBER) line.append("\"twelve\"");
            else line.append(number(t.features()[c]));
        }
        return line.append(",\"")
                .append(TRUTH)
                .append("\":")
                .append(t.fraud())
                .append("}\n")
                .toString();
    }

    /** Whole numbers without ".0", as a person would write them. */
    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }

    private static List<String> columns() {
        List<String> names = new ArrayList<>();
        for (String name : Transaction.FEATURE_NAMES) names.add(name.substring(name.indexOf('_') + 1));
        return List.copyOf(names);
    }
}
