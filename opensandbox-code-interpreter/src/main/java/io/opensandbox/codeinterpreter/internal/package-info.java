/** The code interpreter's wire types and the mapping of execd's events to the model; no compatibility promise. */
package io.opensandbox.codeinterpreter.internal;
