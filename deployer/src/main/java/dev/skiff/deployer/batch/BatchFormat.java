package dev.skiff.deployer.batch;

import java.util.Locale;

/** The file formats skiff batch reads and writes, as Distributed Map's ItemReader reads them. */
public enum BatchFormat {
    /** A header row, then one row per item; ItemReader makes each row an object of strings. */
    CSV,
    /** One JSON object per line, its values as written. */
    JSONL;

    /** The format a file name says (".jsonl", ".ndjson" or ".json" is JSONL; anything else CSV). */
    public static BatchFormat of(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json") ? JSONL : CSV;
    }

    /** The word ItemReader's InputType uses. */
    public String itemReaderType() {
        return this == CSV ? "CSV" : "JSONL";
    }
}
