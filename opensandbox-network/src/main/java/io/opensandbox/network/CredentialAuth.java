package io.opensandbox.network;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the Credential Proxy authenticates a matching request: the header it adds and which vault credential supplies
 * the value. Every {@code credential} here is the <em>name</em> of a {@link Credential} in the vault, not a secret.
 */
public sealed interface CredentialAuth
        permits CredentialAuth.Bearer, CredentialAuth.Basic, CredentialAuth.ApiKey, CredentialAuth.CustomHeaders {

    /**
     * The kind of authentication.
     *
     * @return the type
     */
    AuthType type();

    /**
     * {@code Authorization: Bearer <value of credential>}.
     *
     * @param credential the name of the vault credential holding the token
     * @return the auth
     */
    static Bearer bearer(String credential) {
        return new Bearer(credential);
    }

    /**
     * {@code Authorization: Basic <value of credential>}; the credential holds {@code base64(user:password)} already
     * encoded.
     *
     * @param credential the name of the vault credential
     * @return the auth
     */
    static Basic basic(String credential) {
        return new Basic(credential);
    }

    /**
     * {@code <header>: <value of credential>}.
     *
     * @param header the header name, for example {@code X-Api-Key}
     * @param credential the name of the vault credential
     * @return the auth
     */
    static ApiKey apiKey(String header, String credential) {
        return new ApiKey(header, credential);
    }

    /**
     * Several headers, each filled from a vault credential.
     *
     * @param headers header name to credential name, in iteration order; at least one
     * @return the auth
     */
    static CustomHeaders customHeaders(Map<String, String> headers) {
        Objects.requireNonNull(headers, "headers");
        return new CustomHeaders(headers.entrySet().stream()
                .map(entry -> new CustomHeader(entry.getKey(), entry.getValue()))
                .toList());
    }

    /**
     * Bearer token authentication.
     *
     * @param credential the name of the vault credential holding the token
     */
    record Bearer(String credential) implements CredentialAuth {
        /**
         * Checks the credential name.
         *
         * @param credential the name of the vault credential holding the token
         */
        public Bearer {
            Checks.name("credential", credential);
        }

        /**
         * {@link AuthType#BEARER}.
         *
         * @return the type
         */
        @Override
        public AuthType type() {
            return AuthType.BEARER;
        }
    }

    /**
     * HTTP basic authentication.
     *
     * @param credential the name of the vault credential holding {@code base64(user:password)}
     */
    record Basic(String credential) implements CredentialAuth {
        /**
         * Checks the credential name.
         *
         * @param credential the name of the vault credential
         */
        public Basic {
            Checks.name("credential", credential);
        }

        /**
         * {@link AuthType#BASIC}.
         *
         * @return the type
         */
        @Override
        public AuthType type() {
            return AuthType.BASIC;
        }
    }

    /**
     * An API key in a named header.
     *
     * @param header the header name
     * @param credential the name of the vault credential
     */
    record ApiKey(String header, String credential) implements CredentialAuth {
        /**
         * Checks the header and credential names.
         *
         * @param header the header name
         * @param credential the name of the vault credential
         */
        public ApiKey {
            Checks.headerName("API key header name", header);
            Checks.name("credential", credential);
        }

        /**
         * {@link AuthType#API_KEY}.
         *
         * @return the type
         */
        @Override
        public AuthType type() {
            return AuthType.API_KEY;
        }
    }

    /**
     * Several headers filled from vault credentials.
     *
     * @param headers the headers, at least one
     */
    record CustomHeaders(List<CustomHeader> headers) implements CredentialAuth {
        /**
         * Copies and checks the headers.
         *
         * @param headers the headers, at least one
         */
        public CustomHeaders {
            headers = Checks.nonEmpty("custom headers", headers);
        }

        /**
         * {@link AuthType#CUSTOM_HEADERS}.
         *
         * @return the type
         */
        @Override
        public AuthType type() {
            return AuthType.CUSTOM_HEADERS;
        }
    }

    /**
     * One header of {@link CustomHeaders}.
     *
     * @param name the header name
     * @param credential the name of the vault credential supplying its value
     */
    record CustomHeader(String name, String credential) {
        /**
         * Checks the names.
         *
         * @param name the header name
         * @param credential the name of the vault credential
         */
        public CustomHeader {
            Checks.headerName("custom header name", name);
            Checks.name("credential", credential);
        }
    }
}
