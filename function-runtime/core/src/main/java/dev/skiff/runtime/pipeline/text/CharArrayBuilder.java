package dev.skiff.runtime.pipeline.text;

/** A growable char array whose contents the tokenizer reads in place (StringBuilder would copy them out). */
final class CharArrayBuilder implements CharSequence {

    char[] chars;
    int length;

    CharArrayBuilder(int initialCapacity) {
        chars = new char[Math.max(16, initialCapacity)];
    }

    void append(char c) {
        if (length == chars.length) {
            grow(length + 1);
        }
        chars[length++] = c;
    }

    void appendCodePoint(int codePoint) {
        if (codePoint < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
            append((char) codePoint);
        } else {
            append(Character.highSurrogate(codePoint));
            append(Character.lowSurrogate(codePoint));
        }
    }

    void append(CharSequence text, int from, int to) {
        int needed = length + (to - from);
        if (needed > chars.length) {
            grow(needed);
        }
        for (int i = from; i < to; i++) {
            chars[length++] = text.charAt(i);
        }
    }

    private void grow(int minimumCapacity) {
        char[] larger = new char[Math.max(minimumCapacity, chars.length * 2)];
        System.arraycopy(chars, 0, larger, 0, length);
        chars = larger;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return chars[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(chars, start, end - start);
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }
}
