package dev.skiff.runtime.pipeline.text;

/**
 * A token-to-id map that looks keys up by a range of a char array, so WordPiece can try every prefix of a word
 * without allocating a String for each. Open addressing with linear probing; keys are ranges of a shared pool.
 */
final class TokenTable {

    static final int ABSENT = -1;

    private final char[] pool;
    private final int[] keyStarts;
    private final int[] keyLengths;
    private final int[] ids;
    /** Index of the entry plus one; 0 marks an empty slot. */
    private final int[] slots;

    private final int slotMask;
    private final int size;

    /**
     * Builds the table from {@code count} entries, each {@code pool[keyStarts[i], keyStarts[i] + keyLengths[i])}
     * with id {@code ids[i]}. A key that occurs twice keeps its last id, as a JSON object read into a map does.
     */
    TokenTable(char[] pool, int[] keyStarts, int[] keyLengths, int[] ids, int count) {
        this.pool = pool;
        this.keyStarts = keyStarts;
        this.keyLengths = keyLengths;
        this.ids = ids;
        int capacity = Integer.highestOneBit(Math.max(4, count) * 2 - 1) << 1; // at most half full
        this.slots = new int[capacity];
        this.slotMask = capacity - 1;
        int distinctKeys = 0;
        for (int entry = 0; entry < count; entry++) {
            int start = keyStarts[entry];
            int end = start + keyLengths[entry];
            int slot = hash(pool, start, end) & slotMask;
            while (slots[slot] != 0 && !keyEquals(slots[slot] - 1, pool, start, end)) {
                slot = (slot + 1) & slotMask;
            }
            if (slots[slot] == 0) {
                distinctKeys++;
            }
            slots[slot] = entry + 1;
        }
        this.size = distinctKeys;
    }

    /** How many distinct tokens the table holds. */
    int size() {
        return size;
    }

    /** The id of the token spelled by {@code text[from, to)}, or {@link #ABSENT}. */
    int idOf(char[] text, int from, int to) {
        int slot = hash(text, from, to) & slotMask;
        int entry;
        while ((entry = slots[slot]) != 0) {
            if (keyEquals(entry - 1, text, from, to)) {
                return ids[entry - 1];
            }
            slot = (slot + 1) & slotMask;
        }
        return ABSENT;
    }

    int idOf(String token) {
        return idOf(token.toCharArray(), 0, token.length());
    }

    private boolean keyEquals(int entry, char[] text, int from, int to) {
        int length = to - from;
        if (keyLengths[entry] != length) {
            return false;
        }
        int start = keyStarts[entry];
        for (int i = 0; i < length; i++) {
            if (pool[start + i] != text[from + i]) {
                return false;
            }
        }
        return true;
    }

    private static int hash(char[] text, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + text[i];
        }
        h *= 0x9E3779B9; // spread the bits: the table masks the low ones
        return h ^ (h >>> 16);
    }
}
