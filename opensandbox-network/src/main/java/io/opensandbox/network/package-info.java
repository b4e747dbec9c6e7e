/** The public API of the OpenSandbox network capability. */
package io.opensandbox.network;
