/**
 * The PTY module's wire: execd's WebSocket frames, the REST DTOs and the connection state machine (offsets,
 * demand, takeover); no compatibility promise.
 */
package io.opensandbox.pty.internal;
