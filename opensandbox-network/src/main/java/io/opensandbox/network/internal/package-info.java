/** The egress sidecar's JSON bodies; not exported, no compatibility promise. */
@NullMarked
package io.opensandbox.network.internal;

import org.jspecify.annotations.NullMarked;
