package dev.skiff.emulator.invokeapi;

/**
 * A fast yes to "is this JSON?" for Invoke payloads: one pass over the bytes of the first JSON
 * value, strict RFC 8259, building nothing. Jackson's parser spent most of the emulator's CPU on a
 * batch run tokenizing and hashing every field name of every 250 KB event only to skip it.
 * It answers false for anything it does not take (a root that is not an object or array, non-ASCII
 * text, deep nesting, long numbers or names): the caller then asks Jackson, which accepts it or says
 * what is wrong, so nothing passes here that Jackson would refuse.
 *
 * <p>Kept by measurement (round 2 of issue 13): on a real 253,494-byte batch event of 1,150 CSV rows,
 * with the emulator's default JIT, this took 349 to 363 µs an event, and Jackson's cheapest skip
 * (CANONICALIZE_FIELD_NAMES and INTERN_FIELD_NAMES off, {@code skipChildren}) 445 to 624 µs: 1.28x
 * to 1.72x as much, over 5 rounds of 2,000 events each under the benchmark lock.
 *
 * <p>Strings skip their plain bytes through a 256-entry table (issue 13, session 4): on the same event, in thread
 * CPU time under the lock, 0.85x to 0.91x of the byte-by-byte test under C2 and 0.85x to 0.93x under C1 only
 * ({@code -XX:TieredStopAtLevel=1}, as bin/skiff runs). Reading 8 bytes at a time (a little-endian long through a
 * VarHandle, with the "has a zero byte" tests) did no better under C2 (0.86x to 0.87x) and worse under C1 (0.91x to
 * 0.95x): the strings of a batch event are short, names and CSV values of a few bytes.
 */
final class JsonSyntax {
    // well inside Jackson's limits (1000 levels, 1000-digit numbers, 50,000-byte names)
    private static final int MAX_DEPTH = 500;
    private static final int MAX_NUMBER_LENGTH = 100;
    private static final int MAX_NAME_LENGTH = 1000;

    /** The bytes a string may hold as they are: printable ASCII but the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int b = 0x20; b < 0x80; b++) PLAIN[b] = b != '"' && b != '\\';
    }

    private final byte[] in;
    private int at;

    private JsonSyntax(byte[] in) {
        this.in = in;
    }

    /**
     * Whether the payload starts with one whole, valid JSON object or array (what follows it is not
     * read, as with Jackson's check).
     */
    static boolean isValid(byte[] payload) {
        try {
            JsonSyntax syntax = new JsonSyntax(payload);
            syntax.skipSpace();
            byte first = payload[syntax.at];
            return (first == '{' || first == '[') && syntax.value(0);
        } catch (ArrayIndexOutOfBoundsException e) {
            return false; // ended early
        }
    }

    private boolean value(int depth) {
        skipSpace();
        byte b = in[at];
        return switch (b) {
            case '{' -> depth < MAX_DEPTH && object(depth + 1);
            case '[' -> depth < MAX_DEPTH && array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        };
    }

    private boolean object(int depth) {
        at++; // {
        skipSpace();
        if (in[at] == '}') {
            at++;
            return true;
        }
        while (true) {
            skipSpace();
            int start = at;
            if (in[at] != '"' || !string() || at - start > MAX_NAME_LENGTH) return false;
            skipSpace();
            if (in[at++] != ':') return false;
            if (!value(depth)) return false;
            skipSpace();
            byte b = in[at++];
            if (b == '}') return true;
            if (b != ',') return false;
        }
    }

    private boolean array(int depth) {
        at++; // [
        skipSpace();
        if (in[at] == ']') {
            at++;
            return true;
        }
        while (true) {
            if (!value(depth)) return false;
            skipSpace();
            byte b = in[at++];
            if (b == ']') return true;
            if (b != ',') return false;
        }
    }

    /** A string of printable ASCII and the escapes JSON allows. */
    private boolean string() {
        at++; // "
        while (true) {
            skipPlainText();
            byte b = in[at++];
            if (b == '"') return true;
            if (b < 0x20) return false; // a control character, or a byte of non-ASCII text (negative): Jackson decides
            if (b == '\\') {
                byte e = in[at++];
                if (e == 'u') {
                    for (int i = 0; i < 4; i++) if (!isHex(in[at++])) return false;
                } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r'
                        && e != 't') {
                    return false;
                }
            }
        }
    }

    /** Moves to the first byte that is a quote, a backslash, a control character or non-ASCII. */
    private void skipPlainText() {
        while (PLAIN[in[at] & 0xFF]) at++;
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private boolean number() {
        int start = at;
        if (in[at] == '-') at++;
        if (in[at] == '0') at++;
        else if (!digits()) return false;
        if (in[at] == '.') {
            at++;
            if (!digits()) return false;
        }
        if (in[at] == 'e' || in[at] == 'E') {
            at++;
            if (in[at] == '+' || in[at] == '-') at++;
            if (!digits()) return false;
        }
        return at - start <= MAX_NUMBER_LENGTH && endsValue(in[at]);
    }

    private boolean digits() {
        int start = at;
        while (isDigit(in[at])) at++;
        return at > start;
    }

    private boolean literal(String word) {
        for (int i = 0; i < word.length(); i++) if (in[at++] != word.charAt(i)) return false;
        return endsValue(in[at]);
    }

    /** What may follow a number or literal inside an object or array ("nullx" and "1x" are no values). */
    private static boolean endsValue(byte b) {
        return b == ',' || b == ']' || b == '}' || b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private void skipSpace() {
        while (true) {
            byte b = in[at];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return;
            at++;
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isHex(byte b) {
        return isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }
}
