/**
 * Code contexts and their executions: {@link io.opensandbox.codeinterpreter.CodeInterpreter} is the entry point;
 * {@link io.opensandbox.codeinterpreter.CodeContext} is one stateful interpreter;
 * {@link io.opensandbox.codeinterpreter.CodeExecution} is the outcome of running code, with its
 * {@link io.opensandbox.codeinterpreter.CodeResult}s (MIME bundles), output and error.
 */
package io.opensandbox.codeinterpreter;
