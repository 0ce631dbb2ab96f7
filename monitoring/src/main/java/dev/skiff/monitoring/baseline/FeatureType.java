package dev.skiff.monitoring.baseline;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a feature is summarized and tested. The baseline decides, from its own rows:
 * numbers are numerical, unless they are whole numbers with at most {@value #MAX_CODES}
 * distinct values (flags, codes: categorical); words are categorical, unless most of them
 * are distinct (free text: summarized by its length); a vector is an embedding.
 */
public enum FeatureType {
    NUMERICAL("numerical"),
    CATEGORICAL("categorical"),
    TEXT("text"),
    EMBEDDING("embedding");

    /** The most distinct whole numbers a column may have and still be read as categories. */
    public static final int MAX_CODES = 10;

    private final String json;

    FeatureType(String json) {
        this.json = json;
    }

    @JsonValue
    public String json() {
        return json;
    }
}
