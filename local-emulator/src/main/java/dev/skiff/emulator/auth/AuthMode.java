package dev.skiff.emulator.auth;

/** What the HTTP API does with a request API Gateway would refuse. */
public enum AuthMode {
    /** Refuse it with API Gateway's status, headers and body. */
    ENFORCE,
    /** Check it as API Gateway would, log what API Gateway would answer, and let it through without an identity. */
    WARN,
    /** Check nothing; no identity reaches the function. */
    OFF;

    public String flag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
