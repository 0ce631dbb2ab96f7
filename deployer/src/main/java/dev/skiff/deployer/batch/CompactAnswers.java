package dev.skiff.deployer.batch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a function's answer array as the function writes it, compact JSON of flat objects with
 * ASCII string values (no escapes) and numbers, straight from its bytes into {@link ItemAnswer}s,
 * the same ones {@link ItemAnswer#readArray} makes; anything else (whitespace, an escape, text
 * beyond ASCII, true, false, null, a nested value, a number JSON does not allow) is left to that
 * Jackson path, which also says what is wrong with a broken answer.
 *
 * <p>Why by hand: reading the 1,000,000 answers of the fraud file (870 answers of 1,150 items) took
 * 0.55-0.59 CPU s through Jackson's parser under C1 (as bin/skiff runs) and 0.19-0.24 s in a warm
 * C2 JVM, against 0.30-0.33 s and 0.15-0.18 s here (one JVM, rounds 4-6).
 */
final class CompactAnswers {
    private final byte[] json;
    private int at;

    private CompactAnswers(byte[] json) {
        this.json = json;
    }

    /** The answers, or null where the bytes are not a compact array of flat objects. */
    static List<ItemAnswer> read(byte[] json) {
        return new CompactAnswers(json).array();
    }

    private List<ItemAnswer> array() {
        if (!take('[')) return null;
        List<ItemAnswer> answers = new ArrayList<>();
        if (take(']')) return answers;
        String[] names = new String[0]; // the last item's names, which the next one most likely repeats
        byte[][] nameBytes = new byte[0][]; // and their bytes, to compare with
        List<String> values = new ArrayList<>(8);
        boolean[] numbers = new boolean[8];
        do {
            if (!take('{') || take('}')) return null; // an empty object: rare, Jackson's
            values.clear();
            int fields = 0;
            do {
                int nameStart = at + 1;
                int nameEnd = string();
                if (nameEnd < 0 || !take(':')) return null;
                if (fields == names.length
                        || !Arrays.equals(nameBytes[fields], 0, nameBytes[fields].length, json, nameStart, nameEnd)) {
                    names = Arrays.copyOf(names, Math.max(names.length, fields + 1));
                    nameBytes = Arrays.copyOf(nameBytes, names.length);
                    names[fields] = text(nameStart, nameEnd);
                    nameBytes[fields] = Arrays.copyOfRange(json, nameStart, nameEnd);
                }
                if (fields == numbers.length) numbers = Arrays.copyOf(numbers, fields * 2);
                int valueStart = at;
                if (at < json.length && json[at] == '"') {
                    int valueEnd = string();
                    if (valueEnd < 0) return null;
                    values.add(text(valueStart + 1, valueEnd));
                    numbers[fields] = false;
                } else {
                    if (!number()) return null;
                    values.add(text(valueStart, at));
                    numbers[fields] = true;
                }
                fields++;
            } while (take(','));
            if (!take('}')) return null;
            if (fields != names.length) {
                names = Arrays.copyOf(names, fields);
                nameBytes = Arrays.copyOf(nameBytes, fields);
            }
            answers.add(new ItemAnswer(names, values.toArray(new String[0]), Arrays.copyOf(numbers, fields)));
        } while (take(','));
        return take(']') ? answers : null;
    }

    /** Reads a string of plain ASCII from its opening quote; the index of its closing quote, or -1. */
    private int string() {
        if (!take('"')) return -1;
        for (; at < json.length; at++) {
            byte b = json[at];
            if (b == '"') return at++;
            if (b < 0x20 || b == '\\') return -1; // negative: beyond ASCII
        }
        return -1;
    }

    /** Reads a number as JSON allows it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private boolean number() {
        take('-');
        if (take('0')) {
            if (digit()) return false; // a leading zero
        } else if (!digits()) {
            return false;
        }
        if (take('.') && !digits()) return false;
        if (take('e') || take('E')) {
            if (!take('+')) take('-');
            return digits();
        }
        return true;
    }

    private boolean digits() {
        int from = at;
        while (digit()) at++;
        return at > from;
    }

    private boolean digit() {
        return at < json.length && json[at] >= '0' && json[at] <= '9';
    }

    private boolean take(char c) {
        if (at < json.length && json[at] == c) {
            at++;
            return true;
        }
        return false;
    }

    private String text(int start, int end) {
        return new String(json, start, end - start, StandardCharsets.US_ASCII);
    }
}
