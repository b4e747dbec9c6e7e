/** The public API of the OpenSandbox files capability. */
package io.opensandbox.files;
