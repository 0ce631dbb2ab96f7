package dev.skiff.runtime.pipeline.text;

import java.util.Arrays;
import java.util.List;

/**
 * Finds the added tokens of a tokenizer.json ([CLS], [SEP], [MASK], ...) in a text the way HF tokenizers does:
 * leftmost-longest, non-overlapping, honouring single_word, lstrip and rstrip. HF extracts them before the
 * model sees the text, so "[SEP]" typed by a client becomes the [SEP] id, as it does in Python.
 */
final class AddedTokenMatcher {

    /** One entry of tokenizer.json's added_tokens; {@code content} is already normalized where it must be. */
    record AddedToken(String content, int id, boolean singleWord, boolean leftStrip, boolean rightStrip) {}

    /** Where the last {@link #find} matched: {@code [start, end)}, including any stripped whitespace. */
    static final class Match {
        int start;
        int end;
        int id;
    }

    private final AddedToken[] tokens; // longest first, so the first hit at a position is the longest
    private final char[] firstChars; // sorted, for a cheap rejection of most positions

    AddedTokenMatcher(List<AddedToken> addedTokens) {
        tokens = addedTokens.toArray(new AddedToken[0]);
        sortLongestFirst(tokens);
        char[] firsts = new char[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            firsts[i] = tokens[i].content().charAt(0);
        }
        Arrays.sort(firsts);
        int distinct = 0;
        for (int i = 0; i < firsts.length; i++) {
            if (i == 0 || firsts[i] != firsts[i - 1]) {
                firsts[distinct++] = firsts[i];
            }
        }
        firstChars = Arrays.copyOf(firsts, distinct);
    }

    boolean isEmpty() {
        return tokens.length == 0;
    }

    /**
     * Finds the first added token in {@code text[from, sentenceEnd)}. {@code sentenceStart} bounds the text HF
     * matches in (for single_word), {@code from} is where the previous match ended (lstrip never reaches past it).
     */
    boolean find(CharSequence text, int sentenceStart, int from, int sentenceEnd, Match match) {
        int position = from;
        while (position < sentenceEnd) {
            if (Arrays.binarySearch(firstChars, text.charAt(position)) < 0) {
                position++;
                continue;
            }
            AddedToken token = longestAt(text, position, sentenceEnd);
            if (token == null) {
                position++;
                continue;
            }
            int start = position;
            int end = position + token.content().length();
            if (token.singleWord() && !isSingleWord(text, sentenceStart, start, end, sentenceEnd)) {
                position = end; // HF's matcher moves past a rejected match, it does not retry shorter ones
                continue;
            }
            if (token.leftStrip()) {
                while (start > from && BertCharacterClasses.isWhitespace(Character.codePointBefore(text, start))) {
                    start -= Character.charCount(Character.codePointBefore(text, start));
                }
            }
            if (token.rightStrip()) {
                while (end < sentenceEnd && BertCharacterClasses.isWhitespace(Character.codePointAt(text, end))) {
                    end += Character.charCount(Character.codePointAt(text, end));
                }
            }
            match.start = start;
            match.end = end;
            match.id = token.id();
            return true;
        }
        return false;
    }

    private AddedToken longestAt(CharSequence text, int position, int sentenceEnd) {
        for (AddedToken token : tokens) {
            String content = token.content();
            if (position + content.length() <= sentenceEnd && startsWith(text, position, content)) {
                return token;
            }
        }
        return null;
    }

    private static boolean startsWith(CharSequence text, int position, String content) {
        for (int i = 0; i < content.length(); i++) {
            if (text.charAt(position + i) != content.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** HF's check: no word character (regex \w) right before or right after the match. */
    private static boolean isSingleWord(CharSequence text, int sentenceStart, int start, int end, int sentenceEnd) {
        boolean wordBefore = start > sentenceStart && isWordCharacter(Character.codePointBefore(text, start));
        boolean wordAfter = end < sentenceEnd && isWordCharacter(Character.codePointAt(text, end));
        return !wordBefore && !wordAfter;
    }

    /** Unicode regex \w: Alphabetic, marks, decimal digits, connector punctuation and the join controls. */
    private static boolean isWordCharacter(int c) {
        if (Character.isAlphabetic(c) || Character.isDigit(c) || c == 0x200C || c == 0x200D) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.CONNECTOR_PUNCTUATION;
    }

    /** A stable insertion sort: a handful of tokens, and no lambda to bootstrap during a cold start. */
    private static void sortLongestFirst(AddedToken[] tokens) {
        for (int i = 1; i < tokens.length; i++) {
            AddedToken token = tokens[i];
            int j = i - 1;
            while (j >= 0 && tokens[j].content().length() < token.content().length()) {
                tokens[j + 1] = tokens[j];
                j--;
            }
            tokens[j + 1] = token;
        }
    }
}
