package io.opensandbox.files.internal;

import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxApiException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.files.FileTooLargeException;
import io.opensandbox.files.PermissionDeniedException;
import io.opensandbox.files.RangeNotSatisfiableException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Refines the SDK's general HTTP error mapping for file operations. */
public final class FileErrors {
    private FileErrors() {}

    /**
     * The file-specific exception for a failure: 416 becomes {@link RangeNotSatisfiableException}, 413
     * {@link FileTooLargeException}, an error whose message says "permission denied" (other than a 404)
     * {@link PermissionDeniedException}; everything else is returned as it is.
     *
     * @param failure the mapped failure
     * @return the exception to throw
     */
    public static SandboxException refine(SandboxException failure) {
        if (!(failure instanceof SandboxApiException api)
                || failure instanceof RangeNotSatisfiableException
                || failure instanceof FileTooLargeException
                || failure instanceof PermissionDeniedException) {
            return failure;
        }
        int status = api.statusCode();
        SandboxError error = api.error();
        @Nullable String requestId = api.requestId().orElse(null);
        SandboxException refined;
        if (status == 416) {
            refined = new RangeNotSatisfiableException(status, error, requestId);
        } else if (status == 413) {
            refined = new FileTooLargeException(status, error, requestId);
        } else if (!(api instanceof NotFoundException) && mentionsPermission(error)) {
            refined = new PermissionDeniedException(status, error, requestId);
        } else {
            return failure;
        }
        refined.withAttempts(failure.attempts());
        refined.setStackTrace(failure.getStackTrace());
        return refined;
    }

    private static boolean mentionsPermission(SandboxError error) {
        String code = error.code().toUpperCase(Locale.ROOT);
        return code.contains("PERMISSION")
                || error.message().toLowerCase(Locale.ROOT).contains("permission denied");
    }
}
