package io.opensandbox.network;

import io.opensandbox.api.AuthenticationException;
import io.opensandbox.api.CapacityExceededException;
import io.opensandbox.api.ConflictException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.RateLimitedException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns the exceptions the shared client raises for egress sidecar responses into ones with egress codes, a message
 * that says what to do next, and no credential value in any message.
 */
final class SidecarErrors {
    private static final String REDACTED = "<redacted>";

    private SidecarErrors() {}

    /** Hints for one operation; {@code null} fields fall back to generic text. */
    record Hints(
            String operation,
            @Nullable String badRequest,
            @Nullable String notFound,
            @Nullable String conflict,
            @Nullable String limit,
            Collection<String> secrets) {

        static Hints of(String operation) {
            return new Hints(operation, null, null, null, null, List.of());
        }

        Hints badRequest(String hint) {
            return new Hints(operation, hint, notFound, conflict, limit, secrets);
        }

        Hints notFound(String hint) {
            return new Hints(operation, badRequest, hint, conflict, limit, secrets);
        }

        Hints conflict(String hint) {
            return new Hints(operation, badRequest, notFound, hint, limit, secrets);
        }

        Hints limit(String hint) {
            return new Hints(operation, badRequest, notFound, conflict, hint, secrets);
        }

        Hints secrets(Collection<String> values) {
            return new Hints(operation, badRequest, notFound, conflict, limit, List.copyOf(values));
        }
    }

    static SandboxException map(SandboxException failure, Hints hints) {
        if (!(failure instanceof SandboxApiException api)) {
            String message = failure.error().message();
            String clean = scrub(message, hints.secrets());
            return clean.equals(message)
                    ? failure
                    : new SandboxException(
                            new SandboxError(failure.error().code(), clean),
                            failure.requestId().orElse(null),
                            null);
        }
        int status = api.statusCode();
        String said = serverText(api);
        String text = scrub(said, hints.secrets());
        String server = text.isEmpty() ? "" : " Sidecar said: " + text;
        String requestId = api.requestId().orElse(null);
        String op = hints.operation();
        return switch (status) {
            case 400 ->
                new SandboxApiException(
                        status,
                        error(
                                EgressErrorCodes.BAD_REQUEST,
                                op + " was rejected as invalid: "
                                        + or(hints.badRequest(), "check the names, hosts and targets sent.")
                                        + server),
                        requestId);
            case 401, 403 ->
                new AuthenticationException(
                        status,
                        error(
                                EgressErrorCodes.UNAUTHORIZED,
                                op + " was refused by the egress sidecar; the egress endpoint's headers"
                                        + " (OPENSANDBOX-EGRESS-AUTH, and OpenSandbox-Secure-Access for a sandbox"
                                        + " with secure access) are missing or out of date: resolve the endpoint"
                                        + " again through the lifecycle server." + server),
                        requestId);
            case 404 ->
                new NotFoundException(
                        status,
                        error(
                                EgressErrorCodes.NOT_FOUND,
                                op + " found nothing: "
                                        + or(
                                                hints.notFound(),
                                                "no Credential Vault exists in this sandbox; create one first.")
                                        + server),
                        requestId);
            case 409 ->
                new ConflictException(
                        status,
                        error(
                                EgressErrorCodes.CONFLICT,
                                op + " conflicts with the Credential Vault's current state: "
                                        + or(hints.conflict(), "read it again with get() and retry.")
                                        + server),
                        requestId);
            case 412 ->
                new CredentialProxyNotReadyException(
                        status,
                        error(
                                EgressErrorCodes.PROXY_NOT_READY,
                                op + " needs the sandbox's Credential Proxy, which is not ready: retry shortly,"
                                        + " or create the sandbox with the credential proxy enabled." + server),
                        requestId);
            case 413 ->
                new EgressLimitExceededException(
                        status,
                        error(
                                EgressErrorCodes.LIMIT_EXCEEDED,
                                op + " exceeds a limit of the egress sidecar: "
                                        + or(hints.limit(), "send a smaller request.")
                                        + server),
                        requestId);
            case 426 ->
                new TlsRequiredException(
                        status,
                        error(
                                EgressErrorCodes.TLS_REQUIRED,
                                op + " needs TLS: the egress sidecar accepts Credential Vault writes only over"
                                        + " https or loopback; set ConnectionConfig protocol(\"https\") for an"
                                        + " https endpoint, or reach the sidecar through a loopback address."
                                        + server),
                        requestId);
            default ->
                // 429 and 507 keep the API's subtypes (retryAfter) unless a secret had to be scrubbed.
                (failure instanceof RateLimitedException || failure instanceof CapacityExceededException)
                                && text.equals(said)
                        ? failure
                        : new SandboxApiException(
                                status, error(EgressErrorCodes.SIDECAR_ERROR, op + " failed." + server), requestId);
        };
    }

    private static String or(@Nullable String hint, String fallback) {
        return hint != null ? hint : fallback;
    }

    private static SandboxError error(String code, String message) {
        return new SandboxError(code, message);
    }

    /** The server's own text, as {@link SandboxApiException#error()} keeps it. */
    private static String serverText(SandboxApiException api) {
        String text = api.error().message();
        return text.equals("empty response body") ? "" : text;
    }

    /** Replaces every occurrence of a secret in a text; short secrets are replaced too. */
    static String scrub(String text, Collection<String> secrets) {
        String out = text;
        for (String secret : secrets) {
            if (!secret.isEmpty() && out.contains(secret)) {
                out = out.replace(secret, REDACTED);
            }
        }
        return out;
    }
}
