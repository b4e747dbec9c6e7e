package io.opensandbox.network;

/**
 * The error codes ({@link io.opensandbox.api.SandboxError#code()}) this module gives the egress sidecar's HTTP
 * errors. The sidecar answers errors with plain text and no code of its own; its text is kept in the message.
 */
public final class EgressErrorCodes {
    /** 400: the sidecar rejected the request as invalid. */
    public static final String BAD_REQUEST = "EGRESS_BAD_REQUEST";
    /** 401 or 403: the endpoint's {@code OPENSANDBOX-EGRESS-AUTH} header was missing or wrong. */
    public static final String UNAUTHORIZED = "EGRESS_UNAUTHORIZED";
    /** 404: no Credential Vault, credential or binding of that name. */
    public static final String NOT_FOUND = "CREDENTIAL_VAULT_NOT_FOUND";
    /** 409: the vault already exists, or the patch's expected revision is stale. */
    public static final String CONFLICT = "CREDENTIAL_VAULT_CONFLICT";
    /** 412: the Credential Proxy is not ready ({@link CredentialProxyNotReadyException}). */
    public static final String PROXY_NOT_READY = "CREDENTIAL_PROXY_NOT_READY";
    /** 413: too many rules or too large a body ({@link EgressLimitExceededException}). */
    public static final String LIMIT_EXCEEDED = "EGRESS_LIMIT_EXCEEDED";
    /** 426: vault writes need TLS or loopback ({@link TlsRequiredException}). */
    public static final String TLS_REQUIRED = "TLS_REQUIRED";
    /**
     * Any other error status of the sidecar (5xx, 405, ...); {@code statusCode()} and {@code isRetryable()} tell
     * them apart. 429 and 507 keep the API's {@link io.opensandbox.api.RateLimitedException} and
     * {@link io.opensandbox.api.CapacityExceededException} with their own codes.
     */
    public static final String SIDECAR_ERROR = "EGRESS_SIDECAR_ERROR";

    private EgressErrorCodes() {}
}
