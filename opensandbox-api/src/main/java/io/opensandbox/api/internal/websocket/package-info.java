/**
 * The one implementation of the {@link io.opensandbox.api.spi.WebSockets} capability, on
 * {@link java.net.http.WebSocket}, shared by the SDK's transports. Exported to the transport modules only; no
 * compatibility promise.
 */
package io.opensandbox.api.internal.websocket;
