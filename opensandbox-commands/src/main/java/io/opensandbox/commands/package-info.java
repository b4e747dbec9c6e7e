/** The public API of the OpenSandbox commands capability. */
package io.opensandbox.commands;
