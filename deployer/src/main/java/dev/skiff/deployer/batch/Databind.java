package dev.skiff.deployer.batch;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The batch package's Jackson databind mapper, in a class of its own: the JVM loads databind only
 * when something here asks for it (JSONL values, an error answer, --stack's documents), so a fresh
 * {@code skiff batch --local} of a CSV file does not pay for its class loading.
 */
final class Databind {
    static final ObjectMapper JSON = new ObjectMapper();

    private Databind() {}
}
