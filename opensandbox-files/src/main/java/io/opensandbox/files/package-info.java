/**
 * Files in a sandbox: read, write, stream, search, list, move, delete, chmod and replace, through execd.
 *
 * <p>The entry point is {@link io.opensandbox.files.SandboxFiles#of(io.opensandbox.api.SandboxHandle)}. It is named
 * {@code SandboxFiles} rather than {@code Files} so it never clashes with {@link java.nio.file.Files}, which code
 * that moves local files in and out of a sandbox almost always imports too.
 *
 * <h2>Decisions a caller should know</h2>
 *
 * <ul>
 *   <li>Paths inside the sandbox must be absolute: execd resolves relative ones against its own working directory,
 *       which differs between images.
 *   <li>Modes are {@link io.opensandbox.files.FileMode}s; the SDK converts them to execd's octal-digits-as-decimal
 *       integers. An upload without a mode sends none and execd leaves the mode alone (the Kotlin and Python SDKs
 *       send 755, which makes every data file executable). Directories are created with 755 unless told otherwise.
 *   <li>Uploads are one multipart request for any number of files, streamed; each metadata part carries
 *       {@code filename="metadata"} (execd's Go parser ignores a part without one) and each file part the file's
 *       base name reduced to printable ASCII (execd takes the target from the metadata, never from the name).
 *   <li>Downloads to a {@link java.nio.file.Path} go to a temporary file in the same directory and are moved into
 *       place when complete.
 *   <li>The connection config's request timeout never cuts a transfer; the stream idle timeout and the optional
 *       time limit of {@link io.opensandbox.files.WriteOptions} and {@link io.opensandbox.files.ReadOptions} do.
 *       After the whole upload body was sent, execd must answer within the stream idle timeout plus one second
 *       per 50 MiB (it copies the upload from a temporary file first).
 * </ul>
 */
package io.opensandbox.files;
