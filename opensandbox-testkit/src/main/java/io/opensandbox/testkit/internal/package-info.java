/** Implementation of the local server; no compatibility promise. */
@NullMarked
package io.opensandbox.testkit.internal;

import org.jspecify.annotations.NullMarked;
