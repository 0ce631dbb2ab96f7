package dev.skiff.runtime.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;

/** The one Jackson factory of the process: streaming only, no databind on the hot path. */
public final class Json {
    private Json() {}

    /** Lambda caps a synchronous payload at 6 MB; a body string can be that long. */
    public static final int MAX_STRING_LENGTH = 8 * 1024 * 1024;

    public static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNestingDepth(64)
                    .build())
            .build();
}
