package io.opensandbox.files;

/**
 * Error codes execd sends with file operations, found in {@link io.opensandbox.api.SandboxException#error()}
 * {@code .code()}. Codes are kept as the server sent them; this list names the ones callers usually branch on.
 */
public final class FileErrorCodes {
    /** The file or directory does not exist (usually with HTTP 404). */
    public static final String FILE_NOT_FOUND = "FILE_NOT_FOUND";
    /** A multipart upload had no file part, or a file part could not be read. */
    public static final String INVALID_FILE = "INVALID_FILE";
    /** The content of an uploaded file could not be written. */
    public static final String INVALID_FILE_CONTENT = "INVALID_FILE_CONTENT";
    /** The metadata part of an upload is missing or invalid. */
    public static final String INVALID_FILE_METADATA = "INVALID_FILE_METADATA";
    /** A required query parameter (such as {@code path}) is missing. */
    public static final String MISSING_QUERY = "MISSING_QUERY";
    /** The JSON body of a request could not be read. */
    public static final String INVALID_REQUEST_BODY = "INVALID_REQUEST_BODY";
    /** The operation failed in the sandbox (for example a file system error). */
    public static final String RUNTIME_ERROR = "RUNTIME_ERROR";

    private FileErrorCodes() {}
}
