/** The public API of the local OpenSandbox test server: {@link io.opensandbox.testkit.LocalSandboxServer}. */
@NullMarked
package io.opensandbox.testkit;

import org.jspecify.annotations.NullMarked;
