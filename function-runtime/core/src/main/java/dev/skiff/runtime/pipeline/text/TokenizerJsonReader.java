package dev.skiff.runtime.pipeline.text;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face tokenizer.json with Jackson's streaming parser. The vocabulary (~30k entries) goes
 * straight into a {@link TokenTable}; the small sections are read as plain maps and lists, then checked.
 */
final class TokenizerJsonReader {

    // Field names are vocabulary tokens here: interning 30k of them would only cost load time.
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();

    private final String source;

    private TokenizerJsonReader(String source) {
        this.source = source;
    }

    static WordPieceTokenizer read(byte[] json, String source) throws IOException {
        return new TokenizerJsonReader(source).read(json);
    }

    private WordPieceTokenizer read(byte[] json) throws IOException {
        Map<String, Object> sections = new HashMap<>();
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("it is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String section = parser.currentName();
                parser.nextToken();
                switch (section) {
                    case "version" -> {
                        if (!"1.0".equals(readValue(parser))) {
                            throw invalid("version is not \"1.0\", the only tokenizer.json format there is");
                        }
                    }
                    case "model" -> sections.put(section, readModel(parser));
                    case "added_tokens", "normalizer", "pre_tokenizer", "post_processor", "padding" ->
                        sections.put(section, readValue(parser));
                    default -> parser.skipChildren(); // truncation, decoder: not used here
                }
            }
        }
        return build(sections);
    }

    private WordPieceTokenizer build(Map<String, Object> sections) {
        Map<String, Object> model = object(sections.get("model"), "model");
        String modelType = string(model, "type", "model");
        if (!"WordPiece".equals(modelType)) {
            throw invalid("model.type is \"" + modelType + "\", which Skiff's tokenizer cannot run; the "
                    + "text-embedding pipeline runs WordPiece tokenizers (BERT, MiniLM, bge, e5) only");
        }
        if (!(model.get("vocab") instanceof Vocabulary vocabulary)) {
            throw invalid("model.vocab is missing or not an object");
        }
        String unknownToken = string(model, "unk_token", "model");
        String continuingPrefix = model.containsKey("continuing_subword_prefix")
                ? string(model, "continuing_subword_prefix", "model")
                : "##";
        int maxInputCharsPerWord = integer(model, "max_input_chars_per_word", 100, "model");

        TokenTable tokens = vocabulary.table();
        int unknownTokenId = tokens.idOf(unknownToken);
        if (unknownTokenId == TokenTable.ABSENT) {
            throw invalid("model.unk_token \"" + unknownToken + "\" is not in model.vocab");
        }
        BertNormalizer normalizer = normalizer(sections.get("normalizer"));
        checkPreTokenizer(sections.get("pre_tokenizer"));
        PostProcessor postProcessor = postProcessor(sections.get("post_processor"));

        List<AddedTokenMatcher.AddedToken> inText = new ArrayList<>();
        List<AddedTokenMatcher.AddedToken> inNormalizedText = new ArrayList<>();
        addedTokens(sections.get("added_tokens"), normalizer, tokens, inText, inNormalizedText);

        int padId;
        int padTypeId = 0;
        if (sections.get("padding") != null) {
            Map<String, Object> padding = object(sections.get("padding"), "padding");
            padId = integer(padding, "pad_id", 0, "padding");
            padTypeId = integer(padding, "pad_type_id", 0, "padding");
        } else {
            int pad = tokens.idOf("[PAD]");
            padId = pad == TokenTable.ABSENT ? 0 : pad; // HF's default pad id is 0; padding is masked out anyway
        }
        return new WordPieceTokenizer(
                normalizer,
                new AddedTokenMatcher(inText),
                new AddedTokenMatcher(inNormalizedText),
                new WordPieceTokenizer.Model(
                        tokens, vocabulary.continuingSubwords(continuingPrefix), unknownTokenId, maxInputCharsPerWord),
                postProcessor.template(),
                new WordPieceTokenizer.Padding(padId, padTypeId));
    }

    private BertNormalizer normalizer(Object section) {
        if (section == null) {
            return null;
        }
        Map<String, Object> normalizer = object(section, "normalizer");
        String type = string(normalizer, "type", "normalizer");
        if (!"BertNormalizer".equals(type)) {
            throw invalid("normalizer.type is \"" + type + "\"; only BertNormalizer (or no normalizer) is supported");
        }
        boolean lowercase = bool(normalizer, "lowercase", true);
        Object stripAccents = normalizer.get("strip_accents");
        if (stripAccents != null && !(stripAccents instanceof Boolean)) {
            throw invalid("normalizer.strip_accents is neither true, false nor null");
        }
        return new BertNormalizer(
                bool(normalizer, "clean_text", true),
                bool(normalizer, "handle_chinese_chars", true),
                stripAccents == null ? lowercase : (Boolean) stripAccents,
                lowercase); // null follows lowercase, as in HF
    }

    private void checkPreTokenizer(Object section) {
        if (section == null) {
            throw invalid("pre_tokenizer is missing; only BertPreTokenizer is supported");
        }
        String type = string(object(section, "pre_tokenizer"), "type", "pre_tokenizer");
        if (!"BertPreTokenizer".equals(type)) {
            throw invalid("pre_tokenizer.type is \"" + type + "\"; only BertPreTokenizer is supported");
        }
    }

    /** The special tokens around a single text, and their type ids. */
    private static final class PostProcessor {
        final WordPieceTokenizer.IntList prefixIds = new WordPieceTokenizer.IntList(4);
        final WordPieceTokenizer.IntList prefixTypeIds = new WordPieceTokenizer.IntList(4);
        final WordPieceTokenizer.IntList suffixIds = new WordPieceTokenizer.IntList(4);
        final WordPieceTokenizer.IntList suffixTypeIds = new WordPieceTokenizer.IntList(4);
        int textTypeId;
        boolean textSeen;

        void addSpecial(int id, int typeId) {
            (textSeen ? suffixIds : prefixIds).add(id);
            (textSeen ? suffixTypeIds : prefixTypeIds).add(typeId);
        }

        WordPieceTokenizer.Template template() {
            return new WordPieceTokenizer.Template(
                    prefixIds.toArray(),
                    prefixTypeIds.toArray(),
                    suffixIds.toArray(),
                    suffixTypeIds.toArray(),
                    textTypeId);
        }
    }

    private PostProcessor postProcessor(Object section) {
        PostProcessor result = new PostProcessor();
        if (section == null) {
            result.textSeen = true; // no special tokens at all
            return result;
        }
        Map<String, Object> processor = object(section, "post_processor");
        String type = string(processor, "type", "post_processor");
        switch (type) {
            case "TemplateProcessing" -> {
                Map<String, Object> specialTokens =
                        object(processor.get("special_tokens"), "post_processor.special_tokens");
                for (Object item : list(processor.get("single"), "post_processor.single")) {
                    Map<String, Object> piece = object(item, "an item of post_processor.single");
                    if (piece.get("SpecialToken") != null) {
                        Map<String, Object> special =
                                object(piece.get("SpecialToken"), "post_processor.single SpecialToken");
                        String name = string(special, "id", "post_processor.single SpecialToken");
                        int typeId = integer(special, "type_id", 0, "post_processor.single SpecialToken");
                        Object definition = specialTokens.get(name);
                        if (definition == null) {
                            throw invalid("post_processor.single uses special token \"" + name
                                    + "\", which post_processor.special_tokens does not define");
                        }
                        String where = "post_processor.special_tokens[\"" + name + "\"]";
                        for (Object id : list(object(definition, where).get("ids"), where + ".ids")) {
                            result.addSpecial(toInt(id, where + ".ids"), typeId);
                        }
                    } else if (piece.get("Sequence") != null) {
                        Map<String, Object> sequence = object(piece.get("Sequence"), "post_processor.single Sequence");
                        String name = string(sequence, "id", "post_processor.single Sequence");
                        if (!"A".equals(name) || result.textSeen) {
                            throw invalid(
                                    "post_processor.single must use the sequence A exactly once, not \"" + name + "\"");
                        }
                        result.textSeen = true;
                        result.textTypeId = integer(sequence, "type_id", 0, "post_processor.single Sequence");
                    } else {
                        throw invalid("post_processor.single has an item that is neither SpecialToken nor Sequence");
                    }
                }
                if (!result.textSeen) {
                    throw invalid("post_processor.single does not contain the sequence A");
                }
            }
            case "BertProcessing" -> {
                result.addSpecial(
                        toInt(list(processor.get("cls"), "post_processor.cls").get(1), "post_processor.cls"), 0);
                result.textSeen = true;
                result.addSpecial(
                        toInt(list(processor.get("sep"), "post_processor.sep").get(1), "post_processor.sep"), 0);
            }
            default ->
                throw invalid("post_processor.type is \"" + type
                        + "\"; only TemplateProcessing, BertProcessing (or no post-processor) are supported");
        }
        return result;
    }

    /**
     * Splits added_tokens into those matched in the raw text and those matched after normalization. Their ids
     * are derived as HF derives them on load, not read: the vocabulary's id for the content, else the next id
     * past the vocabulary; the file's ids are what that rule gave when it was written.
     */
    private void addedTokens(
            Object section,
            BertNormalizer normalizer,
            TokenTable vocabulary,
            List<AddedTokenMatcher.AddedToken> inText,
            List<AddedTokenMatcher.AddedToken> inNormalizedText) {
        if (section == null) {
            return;
        }
        Map<String, Integer> ids = new HashMap<>();
        Map<String, Map<String, Object>> lastByContent = new LinkedHashMap<>(); // a repeated token: the last wins
        int highestId = -1;
        for (Object item : list(section, "added_tokens")) {
            Map<String, Object> token = object(item, "an item of added_tokens");
            String content = string(token, "content", "added_tokens");
            if (content.isEmpty()) {
                continue; // HF ignores it
            }
            if (!ids.containsKey(content)) {
                int id = vocabulary.idOf(content);
                if (id == TokenTable.ABSENT) {
                    int vocabularySize = vocabulary.size();
                    boolean pastVocabulary = highestId >= vocabularySize || vocabularySize == 0;
                    id = highestId >= 0 && pastVocabulary ? highestId + 1 : vocabularySize;
                }
                ids.put(content, id);
                highestId = Math.max(highestId, id);
            }
            lastByContent.put(content, token);
        }
        for (Map.Entry<String, Map<String, Object>> entry : lastByContent.entrySet()) {
            String content = entry.getKey();
            Map<String, Object> token = entry.getValue();
            boolean special = bool(token, "special", false);
            boolean normalized = bool(token, "normalized", !special);
            String matched = content;
            if (normalized && normalizer != null) {
                CharArrayBuilder normalizedContent = new CharArrayBuilder(content.length());
                normalizer.normalize(content, 0, content.length(), normalizedContent);
                matched = normalizedContent.toString(); // HF matches normalized tokens in their normalized form
            }
            if (matched.isEmpty()) {
                continue;
            }
            AddedTokenMatcher.AddedToken added = new AddedTokenMatcher.AddedToken(
                    matched,
                    ids.get(content),
                    bool(token, "single_word", false),
                    bool(token, "lstrip", false),
                    bool(token, "rstrip", false));
            (normalized ? inNormalizedText : inText).add(added);
        }
    }

    /** The model section, with the vocabulary read into a {@link Vocabulary} rather than a map. */
    private Map<String, Object> readModel(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw invalid("model is not an object");
        }
        Map<String, Object> model = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            model.put(
                    field,
                    "vocab".equals(field) && parser.currentToken() == JsonToken.START_OBJECT
                            ? readVocabulary(parser)
                            : readValue(parser));
        }
        return model;
    }

    private Vocabulary readVocabulary(JsonParser parser) throws IOException {
        Vocabulary vocabulary = new Vocabulary();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String token = parser.currentName();
            if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT || parser.getIntValue() < 0) {
                throw invalid("model.vocab[\"" + token + "\"] is not a token id");
            }
            vocabulary.add(token, parser.getIntValue());
        }
        return vocabulary;
    }

    /** Every token of model.vocab back to back in one char array, with its offset, length and id. */
    private static final class Vocabulary {
        private char[] pool = new char[1 << 16];
        private int poolLength;
        private int[] starts = new int[1 << 12];
        private int[] lengths = new int[1 << 12];
        private int[] ids = new int[1 << 12];
        private int count;

        void add(String token, int id) {
            if (poolLength + token.length() > pool.length) {
                pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolLength + token.length()));
            }
            if (count == ids.length) {
                starts = Arrays.copyOf(starts, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
                ids = Arrays.copyOf(ids, count * 2);
            }
            token.getChars(0, token.length(), pool, poolLength);
            starts[count] = poolLength;
            lengths[count] = token.length();
            ids[count] = id;
            poolLength += token.length();
            count++;
        }

        TokenTable table() {
            return new TokenTable(pool, starts, lengths, ids, count);
        }

        /** The tokens that start with the prefix, keyed without it: WordPiece looks continuations up that way. */
        TokenTable continuingSubwords(String prefix) {
            int[] subStarts = new int[count];
            int[] subLengths = new int[count];
            int[] subIds = new int[count];
            int subCount = 0;
            for (int i = 0; i < count; i++) {
                if (lengths[i] >= prefix.length() && startsWith(starts[i], prefix)) {
                    subStarts[subCount] = starts[i] + prefix.length();
                    subLengths[subCount] = lengths[i] - prefix.length();
                    subIds[subCount] = ids[i];
                    subCount++;
                }
            }
            return new TokenTable(pool, subStarts, subLengths, subIds, subCount);
        }

        private boolean startsWith(int start, String prefix) {
            for (int i = 0; i < prefix.length(); i++) {
                if (pool[start + i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Any JSON value as null, Boolean, Long, Double, String, List or Map: for the small sections only. */
    private static Object readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            Map<String, Object> object = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                object.put(field, readValue(parser));
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            List<Object> array = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(readValue(parser));
            }
            return array;
        }
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return parser.getLongValue();
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getDoubleValue();
        }
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return token == JsonToken.VALUE_TRUE;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Object value, String where) {
        if (!(value instanceof Map)) {
            throw invalid(where + (value == null ? " is missing" : " is not an object"));
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value, String where) {
        if (!(value instanceof List)) {
            throw invalid(where + (value == null ? " is missing" : " is not a list"));
        }
        return (List<Object>) value;
    }

    private String string(Map<String, Object> object, String field, String where) {
        if (!(object.get(field) instanceof String value)) {
            throw invalid(where + "." + field + (object.get(field) == null ? " is missing" : " is not a string"));
        }
        return value;
    }

    private boolean bool(Map<String, Object> object, String field, boolean absent) {
        Object value = object.get(field);
        return value instanceof Boolean flag ? flag : absent;
    }

    private int integer(Map<String, Object> object, String field, int absent, String where) {
        Object value = object.get(field);
        return value == null ? absent : toInt(value, where + "." + field);
    }

    private int toInt(Object value, String where) {
        if (!(value instanceof Long number) || number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            throw invalid(where + " is not an integer");
        }
        return number.intValue();
    }

    private IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException(source + " cannot be used as a WordPiece tokenizer: " + problem);
    }
}
