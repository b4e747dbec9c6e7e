/**
 * The public API of the OpenSandbox network capability: {@link io.opensandbox.network.Egress} reads and changes a
 * running sandbox's egress policy, {@link io.opensandbox.network.CredentialVault} manages the credentials the
 * sandbox's Credential Proxy injects into matching outbound requests.
 *
 * <h2>Errors</h2>
 *
 * Every failure is a {@link io.opensandbox.api.SandboxException}. The egress sidecar answers errors with plain text;
 * its text becomes the message, prefixed with what to do next. Statuses with a meaning specific to the sidecar get a
 * subtype of {@link io.opensandbox.api.SandboxApiException} declared here, so callers can branch with
 * {@code catch}: 412 {@link io.opensandbox.network.CredentialProxyNotReadyException}, 413
 * {@link io.opensandbox.network.EgressLimitExceededException}, 426 {@link io.opensandbox.network.TlsRequiredException}.
 * 409 stays the API's {@link io.opensandbox.api.ConflictException} (code {@link
 * io.opensandbox.network.EgressErrorCodes#CONFLICT}), 404 {@link io.opensandbox.api.NotFoundException}, 401/403
 * {@link io.opensandbox.api.AuthenticationException}; their codes, listed in {@link io.opensandbox.network.EgressErrorCodes}, name
 * the egress case. The choice of subtypes over codes alone: callers branch on them with {@code catch}, and they stay
 * {@code SandboxApiException}s with {@code statusCode()} for callers that branch on the status. A message never
 * contains a credential value, even if the sidecar echoed one back.
 */
package io.opensandbox.network;
