/**
 * Interactive terminals: {@link io.opensandbox.pty.Pty} is the entry point; a {@link io.opensandbox.pty.PtySession}
 * is a shell in the sandbox; a {@link io.opensandbox.pty.PtyConnection} is one WebSocket attached to it, whose
 * output goes to a {@link io.opensandbox.pty.PtyListener} or is read from {@link io.opensandbox.pty.PtyStreams}.
 */
package io.opensandbox.pty;
