package dev.skiff.deployer.batch;

import java.util.Map;

/**
 * One row of a batch input: its 1-based number among the data rows (the header is not a row) and
 * its columns, or why it could not be read (a JSONL line that is not a JSON object).
 */
public record InputRow(long number, Map<String, Object> values, String unreadable) {}
