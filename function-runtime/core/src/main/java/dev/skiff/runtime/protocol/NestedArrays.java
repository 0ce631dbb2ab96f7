package dev.skiff.runtime.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Arrays;

/** Reads a JSON value that is a scalar or nested arrays of scalars, flattening it and measuring its shape. */
final class NestedArrays {
    private static final int MAX_RANK = 32;

    private NestedArrays() {}

    /**
     * Reads the value the parser stands on into {@code out}, leaves the parser on its last token,
     * and returns the shape the nesting describes ([] for a scalar). Ragged nesting is an error.
     */
    static long[] read(JsonParser p, ElementBuffer out, String tensorName) throws IOException {
        JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT) {
            throw ProtocolException.badRequest(
                    "input '" + tensorName + "': data holds an object where numbers or strings were expected");
        }
        if (token != JsonToken.START_ARRAY) {
            out.add(p);
            return new long[0];
        }
        long[] dims = new long[MAX_RANK];
        long[] counts = new long[MAX_RANK];
        Arrays.fill(dims, -1);
        int depth = 0;
        int deepest = 0;
        int scalarDepth = -1;
        while (true) {
            token = p.nextToken();
            if (token == JsonToken.START_ARRAY) {
                if (scalarDepth != -1 && depth + 1 >= scalarDepth) throw ragged(tensorName);
                counts[depth]++;
                if (++depth >= MAX_RANK) {
                    throw ProtocolException.badRequest(
                            "input '" + tensorName + "': data is nested deeper than " + MAX_RANK + " levels");
                }
                deepest = Math.max(deepest, depth);
                counts[depth] = 0;
            } else if (token == JsonToken.END_ARRAY) {
                if (dims[depth] == -1) dims[depth] = counts[depth];
                else if (dims[depth] != counts[depth]) throw ragged(tensorName);
                if (depth == 0) break;
                depth--;
            } else if (token == null) {
                throw ProtocolException.badRequest(
                        "the request body ends inside the data of input '" + tensorName + "'");
            } else if (token == JsonToken.START_OBJECT) {
                throw ProtocolException.badRequest(
                        "input '" + tensorName + "': data holds an object where numbers or strings were expected");
            } else {
                if (scalarDepth == -1) scalarDepth = depth + 1;
                else if (scalarDepth != depth + 1) throw ragged(tensorName);
                counts[depth]++;
                out.add(p);
            }
        }
        int rank = scalarDepth == -1 ? deepest + 1 : scalarDepth;
        return Arrays.copyOf(dims, rank);
    }

    private static ProtocolException ragged(String tensorName) {
        return ProtocolException.badRequest(
                "input '" + tensorName + "': data is ragged (nested arrays of different lengths or depths)");
    }
}
