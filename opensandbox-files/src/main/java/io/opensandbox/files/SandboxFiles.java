package io.opensandbox.files;

import com.fasterxml.jackson.core.type.TypeReference;
import io.opensandbox.api.InvalidArgumentException;
import io.opensandbox.api.NotFoundException;
import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.SandboxTimeoutException;
import io.opensandbox.api.StreamBrokenException;
import io.opensandbox.api.internal.ApiClient;
import io.opensandbox.api.internal.ErrorMapper;
import io.opensandbox.api.internal.Futures;
import io.opensandbox.api.internal.Json;
import io.opensandbox.api.internal.Observed;
import io.opensandbox.api.internal.Urls;
import io.opensandbox.api.internal.stream.BodyReader;
import io.opensandbox.api.internal.stream.ByteSource;
import io.opensandbox.api.internal.stream.InputStreamSource;
import io.opensandbox.api.spi.BlockingResponse;
import io.opensandbox.api.spi.RequestBody;
import io.opensandbox.api.spi.TransportResponse;
import io.opensandbox.files.internal.DownloadStream;
import io.opensandbox.files.internal.FileErrors;
import io.opensandbox.files.internal.Multipart;
import io.opensandbox.files.internal.PartsInputStream;
import io.opensandbox.files.internal.RemotePaths;
import io.opensandbox.files.internal.Transfer;
import io.opensandbox.files.internal.UploadPublisher;
import io.opensandbox.files.internal.Wire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Every file and directory operation of a sandbox, through its execd endpoint. Thread-safe; cheap to create.
 *
 * <pre>{@code
 * SandboxFiles files = SandboxFiles.of(sandbox);
 * files.writeFiles(List.of(
 *         WriteEntry.of("/workspace/data.csv", Path.of("data.csv")),
 *         WriteEntry.builder("/workspace/run.sh").content("echo hi\n").mode(FileMode.of("755")).build()));
 * files.download("/workspace/model.bin", Path.of("model.bin"));
 * }</pre>
 *
 * <h2>Paths</h2>
 *
 * Every path inside the sandbox must be absolute, without control characters; anything else fails with
 * {@link InvalidArgumentException} before a request is sent. Paths travel percent-encoded (RFC 3986), so spaces,
 * {@code &}, {@code #}, {@code %}, {@code +} and non-ASCII names arrive intact.
 *
 * <h2>Transfers</h2>
 *
 * Uploads and downloads stream: memory use does not depend on the file size. An upload whose every part has a
 * known size ({@code String}, {@code byte[]}, {@link Path}, a stream with a declared length) is sent with a
 * {@code Content-Length}, otherwise chunked. Transfers are bounded by the connection config's stream idle timeout
 * (no byte moved for that long) and by the optional overall time limit of {@link WriteOptions} and
 * {@link ReadOptions}; the config's request timeout only bounds the wait for a download's response headers. An
 * upload never reports success unless every byte of every source was read and sent and execd answered with
 * success: a source that fails, ends early or grows aborts the request.
 *
 * <h2>Errors</h2>
 *
 * Every failure is a {@link SandboxException}: {@link NotFoundException} for a missing file,
 * {@link PermissionDeniedException}, {@link RangeNotSatisfiableException}, {@link FileTooLargeException} (413),
 * {@link InvalidArgumentException} for bad arguments, {@link SandboxTimeoutException} for timeouts,
 * {@link StreamBrokenException} for a transfer cut mid-way; other server errors keep execd's code (see
 * {@link FileErrorCodes}) and message.
 */
public final class SandboxFiles {
    private static final int CHUNK = 256 * 1024;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final FileMode DEFAULT_DIRECTORY_MODE = FileMode.ofOctal(0755);
    /**
     * The transport's response-headers timeout for uploads when the caller set no limit. The module's own timers
     * bound the wait instead (overall limit, and idle timeout plus 1 s per 50 MiB once the body was sent); transports
     * that start this timer before the body was sent would otherwise cut long uploads.
     */
    private static final Duration NO_LIMIT = Duration.ofDays(7);

    private static final TypeReference<LinkedHashMap<String, Wire.FileInfo>> INFO_MAP = new TypeReference<>() {};
    private static final TypeReference<List<Wire.FileInfo>> INFO_LIST = new TypeReference<>() {};
    private static final TypeReference<LinkedHashMap<String, Wire.ReplaceResult>> REPLACE_MAP =
            new TypeReference<>() {};

    private final SandboxHandle handle;
    private volatile @Nullable ApiClient client;

    private SandboxFiles(SandboxHandle handle) {
        this.handle = handle;
    }

    /**
     * The files of a sandbox. The execd endpoint is resolved on the first call, not here.
     *
     * @param sandbox the sandbox, or any handle to one
     * @return the files API
     */
    public static SandboxFiles of(SandboxHandle sandbox) {
        return new SandboxFiles(Objects.requireNonNull(sandbox, "sandbox"));
    }

    private ApiClient client() {
        ApiClient result = client;
        if (result == null) {
            synchronized (this) {
                result = client;
                if (result == null) {
                    result = ApiClient.forPort(handle, SandboxHandle.EXECD_PORT);
                    client = result;
                }
            }
        }
        return result;
    }

    /** Starts a transfer on the handle's lease: the lease's timer bounds it, and closing the lease aborts it. */
    private Transfer transfer(String what, Optional<Duration> timeout) {
        return new Transfer(what, timeout.orElse(null), client().lease());
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Writes one text file, encoded as UTF-8.
     *
     * @param path the absolute path in the sandbox; parent directories are created, an existing file is replaced
     * @param text the content
     */
    public void writeFile(String path, String text) {
        writeFiles(List.of(WriteEntry.of(path, Objects.requireNonNull(text, "text"))));
    }

    /**
     * Writes one binary file.
     *
     * @param path the absolute path in the sandbox; parent directories are created, an existing file is replaced
     * @param bytes the content
     */
    public void writeFile(String path, byte[] bytes) {
        writeFiles(List.of(WriteEntry.of(path, Objects.requireNonNull(bytes, "bytes"))));
    }

    /**
     * Writes one file.
     *
     * @param entry the path, content and permissions
     */
    public void writeFile(WriteEntry entry) {
        writeFiles(List.of(Objects.requireNonNull(entry, "entry")));
    }

    /**
     * Writes several files in one multipart request.
     *
     * @param entries the files, at least one, each path at most once
     * @throws InvalidArgumentException for a bad path, a duplicate path, mode {@code 000} or an unreadable local
     *     file, before anything is sent
     * @throws SandboxException if the upload failed; then nothing is reported as written, though execd may have
     *     written the files that arrived before the failure
     */
    public void writeFiles(List<WriteEntry> entries) {
        writeFiles(entries, WriteOptions.defaults());
    }

    /**
     * Writes several files in one multipart request, with a progress listener and an optional time limit.
     *
     * @param entries the files, at least one, each path at most once
     * @param options the listener and time limit
     * @throws InvalidArgumentException for a bad argument, before anything is sent
     * @throws SandboxException if the upload failed
     */
    public void writeFiles(List<WriteEntry> entries, WriteOptions options) {
        observed("files.write", () -> Futures.await(write(entries, options), "POST /files/upload"));
    }

    /**
     * Starts writing several files in one multipart request. Cancelling the future aborts the upload.
     *
     * @param entries the files, at least one, each path at most once
     * @param options the listener and time limit
     * @return a future completed when execd confirmed the write, or failed with a {@link SandboxException}
     * @throws InvalidArgumentException for a bad argument, before anything is sent
     */
    public CompletableFuture<Void> writeFilesAsync(List<WriteEntry> entries, WriteOptions options) {
        return observedAsync("files.write", () -> write(entries, options));
    }

    private CompletableFuture<Void> write(List<WriteEntry> entries, WriteOptions options) {
        Objects.requireNonNull(options, "options");
        Multipart body = multipart(entries);
        String what =
                entries.size() == 1 ? "upload of " + entries.get(0).path() : "upload of " + entries.size() + " files";
        long contentTotal = body.contentLength();
        TransferListener listener = options.listener();
        ApiClient api;
        try {
            api = client();
        } catch (RuntimeException e) {
            closeQuietly(new PartsInputStream(body.segments(), done -> {}));
            throw e;
        }
        Transfer transfer = new Transfer(what, options.timeout().orElse(null), api.lease());
        Executor blocking = api.lease().workers().blocking();
        long[] sent = new long[1];
        Duration idle = api.config().streamIdleTimeout();
        PartsInputStream parts = new PartsInputStream(
                body.segments(),
                done -> {
                    sent[0] = done;
                    listener.onProgress(done, contentTotal);
                },
                () -> {
                    Duration answer = answerWindow(idle, sent[0]);
                    transfer.expireAfter(
                            answer,
                            "execd did not answer within " + answer.toSeconds() + " s after the whole body was"
                                    + " sent (the stream idle timeout plus 1 s per 50 MiB it must copy)");
                });
        UploadPublisher publisher = new UploadPublisher(parts, CHUNK, blocking);
        CompletableFuture<ApiClient.Response> exchange;
        ApiClient.Call call;
        try {
            call = api.call("POST", "/files/upload")
                    .body(RequestBody.ofPublisher(publisher, body.length(), body.contentType())
                            .withBufferRelease(publisher::release))
                    // our own timers enforce the limits; the transport's is a backstop
                    .timeout(
                            options.timeout().map(limit -> limit.plusSeconds(5)).orElse(NO_LIMIT))
                    .idleTimeout(idle);
            exchange = call.send();
        } catch (RuntimeException e) {
            transfer.finish();
            closeQuietly(parts);
            throw e;
        }
        transfer.onAbort(() -> exchange.cancel(true));
        CompletableFuture<Void> result = exchange.handle((response, failure) -> {
            transfer.finish();
            closeLater(blocking, parts);
            SandboxClosedException closedBy = transfer.closed();
            if (closedBy != null) {
                throw closedBy;
            }
            if (transfer.timedOut()) {
                throw transfer.timeoutException(failure == null ? null : ErrorMapper.unwrap(failure));
            }
            Exception sourceFailure = parts.failure();
            if (sourceFailure != null) {
                throw new StreamBrokenException(
                        what + " was aborted because reading its content failed: " + sourceFailure.getMessage()
                                + "; execd may hold a partial file",
                        sourceFailure);
            }
            if (failure != null) {
                throw FileErrors.refine(ErrorMapper.fromFailure(failure, call.describe()));
            }
            if (!parts.ended()) {
                throw new StreamBrokenException(
                        what + ": execd answered before the whole body was sent; the files may be incomplete", null);
            }
            return null;
        });
        CompletableFuture<?> unused = result.whenComplete((ignored, failure) -> {
            if (result.isCancelled()) {
                transfer.abort();
            }
        });
        return result;
    }

    /**
     * How long execd may take to answer once the whole upload was sent: it copies the upload from its temporary
     * file before answering, so the stream idle timeout plus one second per 50 MiB.
     */
    static Duration answerWindow(Duration idle, long contentBytes) {
        return idle.plusSeconds(contentBytes / (50L * 1024 * 1024));
    }

    private static Multipart multipart(List<WriteEntry> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new InvalidArgumentException("writeFiles needs at least one entry", null);
        }
        List<String> paths = new ArrayList<>(entries.size());
        for (WriteEntry entry : entries) {
            Objects.requireNonNull(entry, "entries must not contain null");
            paths.add(RemotePaths.check(entry.path(), "path"));
            entry.permissions().fileMode().ifPresent(SandboxFiles::checkSendable);
        }
        RemotePaths.checkDistinct(paths, "path");
        Multipart body = new Multipart(Multipart.newBoundary());
        for (WriteEntry entry : entries) {
            Object source = entry.source();
            long length = entry.knownLength().orElse(-1);
            if (source instanceof Path file) {
                length = localSize(file);
            }
            Permissions permissions = entry.permissions();
            Integer mode =
                    permissions.fileMode().map(m -> Wire.modeToWire(m.bits())).orElse(null);
            byte[] metadata = Json.write(new Wire.UploadMetadata(
                    entry.path(),
                    permissions.owner().orElse(null),
                    permissions.group().orElse(null),
                    mode));
            body.add(metadata, RemotePaths.partFilename(entry.path()), source, length, entry.path());
        }
        return body.finish();
    }

    private static long localSize(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new InvalidArgumentException(
                        "local file " + file + " does not exist or is not a regular file", null);
            }
            return Files.size(file);
        } catch (IOException e) {
            throw new InvalidArgumentException("cannot read the size of local file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void checkSendable(FileMode mode) {
        if (mode.bits() == 0) {
            throw new InvalidArgumentException(
                    "mode 000 cannot be set through execd: it reads 0 as 'leave the mode unchanged'", null);
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * Reads a text file as UTF-8.
     *
     * @param path the absolute path
     * @return the content
     * @throws NotFoundException if the file does not exist
     */
    public String readFile(String path) {
        return readFile(path, StandardCharsets.UTF_8);
    }

    /**
     * Reads a text file in a charset.
     *
     * @param path the absolute path
     * @param charset the charset
     * @return the content
     * @throws NotFoundException if the file does not exist
     */
    public String readFile(String path, Charset charset) {
        Objects.requireNonNull(charset, "charset");
        return new String(readBytes(path, ReadOptions.defaults()), charset);
    }

    /**
     * Reads a whole file into memory. For large files prefer {@link #download(String, Path)} or
     * {@link #readStream(String)}.
     *
     * @param path the absolute path
     * @return the content
     * @throws NotFoundException if the file does not exist
     */
    public byte[] readBytes(String path) {
        return readBytes(path, ReadOptions.defaults());
    }

    /**
     * Reads a range of a file into memory.
     *
     * @param path the absolute path
     * @param range the bytes wanted
     * @return the content of the range (shorter when the file ends inside it)
     * @throws RangeNotSatisfiableException if the range starts past the end of the file
     */
    public byte[] readBytes(String path, ByteRange range) {
        return readBytes(path, ReadOptions.range(Objects.requireNonNull(range, "range")));
    }

    /**
     * Reads a file, or a range of it, into memory.
     *
     * @param path the absolute path
     * @param options the range, listener and time limit
     * @return the content
     * @throws InvalidArgumentException if the content is too large for a byte array
     */
    public byte[] readBytes(String path, ReadOptions options) {
        return observed("files.read", () -> readAll(path, options));
    }

    private byte[] readAll(String path, ReadOptions options) {
        try (DownloadStream stream = open(path, options)) {
            long total = stream.total();
            if (total > MAX_ARRAY) {
                throw new InvalidArgumentException(
                        path + " is " + total + " bytes, too large for a byte array; use download(...) or"
                                + " readStream(...)",
                        null);
            }
            try {
                if (total >= 0) {
                    byte[] content = new byte[(int) total];
                    int filled = 0;
                    while (filled < content.length) {
                        int n = stream.read(content, filled, content.length - filled);
                        if (n < 0) {
                            break;
                        }
                        filled += n;
                    }
                    if (filled != content.length || stream.read() >= 0) {
                        throw new StreamBrokenException(
                                "download of " + path + " delivered " + filled + " bytes instead of " + total, null);
                    }
                    return content;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                stream.transferTo(out);
                return out.toByteArray();
            } catch (IOException e) {
                throw readFailure(path, e);
            }
        }
    }

    /**
     * Opens a file for streaming reads. Read it to the end or close it: closing early aborts the download. Read
     * failures are {@link IOException}s ({@link SocketTimeoutException} for the idle timeout and the time limit).
     *
     * @param path the absolute path
     * @return the content, read from the network as it is consumed, with bounded read-ahead
     * @throws NotFoundException if the file does not exist
     */
    public InputStream readStream(String path) {
        return readStream(path, ReadOptions.defaults());
    }

    /**
     * Opens a file, or a range of it, for streaming reads.
     *
     * @param path the absolute path
     * @param options the range, listener and time limit (which runs until the stream is closed or read to its end)
     * @return the content; close it
     * @throws RangeNotSatisfiableException if the range starts past the end of the file
     */
    public InputStream readStream(String path, ReadOptions options) {
        // one operation until the stream ends, fails or is closed
        return Observed.runOpen(handle.connectionConfig(), "files.readStream", handle.id(), observation -> {
            DownloadStream stream = open(path, options);
            stream.whenEnded(
                    failure -> observation.end(failure instanceof IOException io ? readFailure(path, io) : failure));
            return stream;
        });
    }

    /**
     * Downloads a file to a local path. The content goes to a temporary file next to the target, which is moved
     * into place only once complete: a failed download never leaves a truncated file under the target's name.
     *
     * @param path the absolute path in the sandbox
     * @param target the local file, replaced if it exists; its directory must exist
     * @return the number of bytes written
     */
    public long download(String path, Path target) {
        return download(path, target, ReadOptions.defaults());
    }

    /**
     * Downloads a file, or a range of it, to a local path.
     *
     * @param path the absolute path in the sandbox
     * @param target the local file, replaced if it exists; its directory must exist
     * @param options the range, listener and time limit
     * @return the number of bytes written
     */
    public long download(String path, Path target, ReadOptions options) {
        Objects.requireNonNull(options, "options");
        RemotePaths.check(path, "path");
        Path local = checkTarget(target);
        return observed(
                "files.download",
                () -> downloadToPath(path, local, options, transfer("download of " + path, options.timeout())));
    }

    /**
     * Downloads a file to an output stream, which is written to but not closed.
     *
     * @param path the absolute path in the sandbox
     * @param out where the content goes
     * @return the number of bytes written
     */
    public long download(String path, OutputStream out) {
        return download(path, out, ReadOptions.defaults());
    }

    /**
     * Downloads a file, or a range of it, to an output stream, which is written to but not closed.
     *
     * @param path the absolute path in the sandbox
     * @param out where the content goes
     * @param options the range, listener and time limit
     * @return the number of bytes written
     */
    public long download(String path, OutputStream out, ReadOptions options) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(options, "options");
        RemotePaths.check(path, "path");
        return observed(
                "files.download",
                () -> downloadToStream(path, out, options, transfer("download of " + path, options.timeout())));
    }

    /**
     * Starts downloading a file, or a range of it, to an output stream, on an SDK worker thread. The stream is
     * written to but not closed. Cancelling the future aborts the download.
     *
     * @param path the absolute path in the sandbox
     * @param out where the content goes; written from the worker thread only
     * @param options the range, listener and time limit
     * @return a future completed with the number of bytes written
     */
    public CompletableFuture<Long> downloadAsync(String path, OutputStream out, ReadOptions options) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(options, "options");
        RemotePaths.check(path, "path");
        return observedAsync("files.download", () -> {
            Transfer transfer = transfer("download of " + path, options.timeout());
            return downloadAsync(path, options, transfer, stream -> {
                try (stream) {
                    return writeAll(stream, path, out);
                }
            });
        });
    }

    /**
     * Runs an asynchronous download: opened without holding a thread, then copied on the lease's bounded blocking
     * pool, so a thread is taken only while the download holds a connection (never one per waiting transfer).
     */
    private CompletableFuture<Long> downloadAsync(
            String path, ReadOptions options, Transfer transfer, Function<DownloadStream, Long> copy) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        CompletableFuture<?> unused = result.whenComplete((ignored, failure) -> {
            if (result.isCancelled()) {
                transfer.abort();
            }
        });
        Executor blocking = client().lease().workers().blocking();
        CompletableFuture<?> unusedOpen = openAsync(path, options, transfer).whenComplete((stream, failure) -> {
            if (failure != null) {
                result.completeExceptionally(ErrorMapper.unwrap(failure));
                return;
            }
            try {
                blocking.execute(() -> {
                    try {
                        result.complete(copy.apply(stream));
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                stream.close();
                result.completeExceptionally(new SandboxClosedException(
                        "download of " + path + " was ended because its sandbox or handle was closed", e));
            }
        });
        return result;
    }

    private long downloadToStream(String path, OutputStream out, ReadOptions options, Transfer transfer) {
        try (DownloadStream stream = open(path, options, transfer)) {
            return writeAll(stream, path, out);
        }
    }

    private static long writeAll(DownloadStream stream, String path, OutputStream out) {
        long count = 0;
        while (true) {
            ByteBuffer buffer;
            try {
                buffer = stream.nextBuffer();
            } catch (IOException e) {
                throw readFailure(path, e);
            }
            if (buffer == null) {
                return count;
            }
            try {
                count += stream.writeTo(buffer, out);
            } catch (IOException e) {
                throw localFailure("writing to the output stream", e);
            }
        }
    }

    /**
     * Starts downloading a file to a local path, on an SDK worker thread. Cancelling the future aborts the
     * download; the target is then left untouched.
     *
     * @param path the absolute path in the sandbox
     * @param target the local file, replaced if it exists; its directory must exist
     * @param options the range, listener and time limit
     * @return a future completed with the number of bytes written
     */
    public CompletableFuture<Long> downloadAsync(String path, Path target, ReadOptions options) {
        Objects.requireNonNull(options, "options");
        RemotePaths.check(path, "path");
        Path local = checkTarget(target);
        return observedAsync("files.download", () -> {
            Transfer transfer = transfer("download of " + path, options.timeout());
            return downloadAsync(path, options, transfer, stream -> {
                try (stream) {
                    return writeToPath(stream, path, local);
                }
            });
        });
    }

    private static Path checkTarget(Path target) {
        Objects.requireNonNull(target, "target");
        Path absolute = target.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new InvalidArgumentException("the directory of " + target + " does not exist", null);
        }
        if (Files.isDirectory(absolute)) {
            throw new InvalidArgumentException(target + " is a directory; pass the path of the file to write", null);
        }
        return absolute;
    }

    private long downloadToPath(String path, Path target, ReadOptions options, Transfer transfer) {
        Path temp = tempFor(target, transfer);
        try (DownloadStream stream = open(path, options, transfer)) {
            return copyAndMove(stream, path, temp, target);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Writes an opened download to a temporary file beside the target, then moves it over the target. */
    private static long writeToPath(DownloadStream stream, String path, Path target) {
        Path parent = Objects.requireNonNull(target.getParent());
        Path temp;
        try {
            temp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw localFailure("creating a temporary file in " + parent, e);
        }
        try {
            return copyAndMove(stream, path, temp, target);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static Path tempFor(Path target, Transfer transfer) {
        Path parent = Objects.requireNonNull(target.getParent());
        try {
            return Files.createTempFile(parent, "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            transfer.finish();
            throw localFailure("creating a temporary file in " + parent, e);
        }
    }

    private static long copyAndMove(DownloadStream stream, String path, Path temp, Path target) {
        try {
            long count = copy(stream, path, temp);
            move(temp, target);
            return count;
        } catch (IOException e) {
            throw localFailure("writing " + target, e);
        }
    }

    /** Removes a temporary file left by a failed download (after a move, there is none). */
    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort: a leftover .part file is visible and harmless
        }
    }

    private static long copy(DownloadStream stream, String path, Path temp) throws IOException {
        long count = 0;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            while (true) {
                ByteBuffer buffer;
                try {
                    buffer = stream.nextBuffer();
                } catch (IOException e) {
                    throw readFailure(path, e);
                }
                if (buffer == null) {
                    return count;
                }
                try {
                    while (buffer.hasRemaining()) {
                        count += channel.write(buffer);
                    }
                } catch (IOException e) {
                    throw localFailure("writing " + temp, e);
                }
                stream.release(buffer);
            }
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private DownloadStream open(String path, ReadOptions options) {
        Objects.requireNonNull(options, "options");
        RemotePaths.check(path, "path");
        return open(path, options, transfer("download of " + path, options.timeout()));
    }

    /** A download request sent, its headers not yet read. */
    private record Opening(
            ApiClient.Call call, @Nullable ByteRange range, CompletableFuture<TransportResponse> exchange) {}

    /** The download request of a path whose public method checked it, not sent yet. */
    private ApiClient.Call downloadCall(String path, @Nullable ByteRange range, Transfer transfer) {
        ApiClient api;
        try {
            api = client();
        } catch (RuntimeException e) {
            transfer.finish();
            throw e;
        }
        ApiClient.Call call = api.call("GET", "/files/download" + Urls.query().add("path", path));
        if (range != null) {
            call.header("Range", range.toHeaderValue());
        }
        return call;
    }

    /** Sends a download through the transport's I/O threads; aborting the transfer cancels it. */
    private Opening start(String path, ReadOptions options, Transfer transfer) {
        ByteRange range = options.byteRange().orElse(null);
        return start(downloadCall(path, range, transfer), range, transfer);
    }

    private static Opening start(ApiClient.Call call, @Nullable ByteRange range, Transfer transfer) {
        CompletableFuture<TransportResponse> exchange = call.open();
        transfer.onAbort(() -> {
            exchange.cancel(true);
            CompletableFuture<?> unused = exchange.thenAccept(TransportResponse::close);
        });
        return new Opening(call, range, exchange);
    }

    /**
     * Opens a download on the calling thread. When the transport can, the calling thread also does the exchange and
     * reads the body from the connection itself (no I/O thread, no queue); aborting the transfer aborts the exchange.
     */
    private DownloadStream open(String path, ReadOptions options, Transfer transfer) {
        ByteRange range = options.byteRange().orElse(null);
        ApiClient.Call call = downloadCall(path, range, transfer);
        if (!call.canRunOnCaller()) {
            return openThroughIoThreads(start(call, range, transfer), path, options, transfer);
        }
        CompletableFuture<Void> abort = new CompletableFuture<>();
        transfer.onAbort(() -> abort.complete(null));
        BlockingResponse response;
        try {
            response = call.openOnCaller(abort);
        } catch (SandboxException e) {
            throw openFailure(e, transfer);
        }
        try {
            return shape(path, range, response.statusCode(), name -> first(response.headers(), name)).stream(
                    new InputStreamSource(response), response::close, path, options, transfer);
        } catch (RuntimeException e) {
            response.close();
            transfer.finish();
            throw e;
        }
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Opens a download through the transport's I/O threads, waiting on the calling thread for the headers. */
    private static DownloadStream openThroughIoThreads(
            Opening opening, String path, ReadOptions options, Transfer transfer) {
        TransportResponse response;
        try {
            response = Futures.await(opening.exchange(), opening.call().describe());
        } catch (SandboxException e) {
            throw openFailure(e, transfer);
        }
        return opened(path, opening.range(), response, options, transfer);
    }

    /** Opens a download without holding a thread while the headers are awaited. */
    private CompletableFuture<DownloadStream> openAsync(String path, ReadOptions options, Transfer transfer) {
        Opening opening = start(path, options, transfer);
        return opening.exchange().handle((response, failure) -> {
            if (failure != null) {
                throw openFailure(
                        ErrorMapper.fromFailure(failure, opening.call().describe()), transfer);
            }
            return opened(path, opening.range(), response, options, transfer);
        });
    }

    private static SandboxException openFailure(SandboxException e, Transfer transfer) {
        transfer.finish();
        SandboxClosedException closedBy = transfer.closed();
        if (closedBy != null) {
            return closedBy;
        }
        if (transfer.timedOut()) {
            return transfer.timeoutException(e);
        }
        return FileErrors.refine(e);
    }

    private static DownloadStream opened(
            String path,
            @Nullable ByteRange range,
            TransportResponse response,
            ReadOptions options,
            Transfer transfer) {
        try {
            return body(path, range, response, options, transfer);
        } catch (RuntimeException e) {
            response.close();
            transfer.finish();
            throw e;
        }
    }

    private static DownloadStream body(
            String path,
            @Nullable ByteRange range,
            TransportResponse response,
            ReadOptions options,
            Transfer transfer) {
        Shape shape = shape(path, range, response.statusCode(), response::header);
        BodyReader stream = BodyReader.bulk();
        stream.subscribeTo(response);
        return shape.stream(stream, response::close, path, options, transfer);
    }

    /**
     * What of a download's body to deliver.
     *
     * @param length the body length from {@code Content-Length}, or {@code -1}
     * @param skip bytes to drop at the start (a server that ignored the range)
     * @param limit the most bytes to deliver, or {@code -1} for all
     */
    private record Shape(long length, long skip, long limit) {
        DownloadStream stream(
                ByteSource body, Runnable closeResponse, String path, ReadOptions options, Transfer transfer) {
            return new DownloadStream(
                    body, closeResponse, transfer, "download of " + path, options.listener(), length, skip, limit);
        }
    }

    /** Checks a download's status and range headers and says what of the body to deliver. */
    private static Shape shape(
            String path, @Nullable ByteRange range, int status, Function<String, Optional<String>> header) {
        long length = parseLength(header.apply("Content-Length").orElse(null));
        long skip = 0;
        long limit = -1;
        if (range != null && status == 206) {
            String contentRange = header.apply("Content-Range").orElse(null);
            long start = contentRangeStart(contentRange);
            OptionalLong first = range.first();
            if (start >= 0 && first.isPresent() && start != first.getAsLong()) {
                throw new SandboxException(
                        new SandboxError(
                                SandboxError.UNEXPECTED_RESPONSE,
                                "asked for " + range.toHeaderValue() + " of " + path + " but execd sent "
                                        + contentRange),
                        header.apply(ErrorMapper.REQUEST_ID).orElse(null),
                        null);
            }
        } else if (range != null && status == 200) {
            // The server ignored the Range header and sends the whole file: cut the range out here.
            if (range.suffixLength().isPresent()) {
                if (length < 0) {
                    throw new SandboxException(
                            new SandboxError(
                                    SandboxError.UNEXPECTED_RESPONSE,
                                    "execd ignored the range " + range.toHeaderValue() + " for " + path
                                            + " and sent no Content-Length"),
                            header.apply(ErrorMapper.REQUEST_ID).orElse(null),
                            null);
                }
                skip = Math.max(0, length - range.suffixLength().getAsLong());
            } else {
                skip = range.first().orElse(0);
                if (length >= 0 && skip >= length && length > 0) {
                    throw new RangeNotSatisfiableException(
                            416,
                            new SandboxError(
                                    "RANGE_NOT_SATISFIABLE",
                                    range.toHeaderValue() + " starts past the end of " + path + " (" + length
                                            + " bytes)"),
                            header.apply(ErrorMapper.REQUEST_ID).orElse(null));
                }
                limit = range.length().orElse(-1);
            }
        } else if (status != 200 && status != 206) {
            throw new SandboxException(
                    new SandboxError(SandboxError.UNEXPECTED_RESPONSE, "execd answered a download with HTTP " + status),
                    header.apply(ErrorMapper.REQUEST_ID).orElse(null),
                    null);
        }
        return new Shape(length, skip, limit);
    }

    private static long parseLength(@Nullable String header) {
        if (header == null) {
            return -1;
        }
        try {
            long value = Long.parseLong(header.strip());
            return value < 0 ? -1 : value;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long contentRangeStart(@Nullable String header) {
        // bytes 0-1023/4096
        if (header == null || !header.startsWith("bytes ")) {
            return -1;
        }
        int dash = header.indexOf('-');
        if (dash < 0) {
            return -1;
        }
        try {
            return Long.parseLong(header.substring(6, dash).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static SandboxException readFailure(String path, IOException e) {
        if (e.getCause() instanceof SandboxException owner) {
            return owner; // the lease was closed
        }
        if (e instanceof SocketTimeoutException) {
            return new SandboxTimeoutException(
                    "download of " + path + " stalled: " + e.getMessage()
                            + "; raise the stream idle timeout or the time limit",
                    e);
        }
        return new StreamBrokenException(
                "download of " + path + " broke after it started: " + e.getMessage() + "; retry it (a ranged read"
                        + " with ByteRange.from(offset) resumes it)",
                e);
    }

    private static SandboxException localFailure(String what, IOException e) {
        return new SandboxException(new SandboxError("LOCAL_IO_ERROR", what + " failed: " + e.getMessage()), null, e);
    }

    /** Closes an upload's source off the I/O thread (closing may block), or here once the pool is shut. */
    private static void closeLater(Executor blocking, InputStream stream) {
        try {
            blocking.execute(() -> closeQuietly(stream));
        } catch (RejectedExecutionException e) {
            closeQuietly(stream);
        }
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException | RuntimeException ignored) {
            // the transfer is over either way
        }
    }

    // ------------------------------------------------------------------------------------------------ metadata

    /**
     * Reads the metadata of several files.
     *
     * @param paths the absolute paths
     * @return the metadata by path, in the order execd sent it
     * @throws NotFoundException if one does not exist
     */
    public Map<String, FileInfo> getFileInfo(Collection<String> paths) {
        List<String> checked = RemotePaths.checkAll(paths, "path");
        Map<String, Wire.FileInfo> wire = call(
                "files.getInfo",
                () -> client().call("GET", "/files/info" + Urls.query().addAll("path", checked))
                        .as(INFO_MAP));
        Map<String, FileInfo> result = new LinkedHashMap<>();
        wire.forEach((key, value) -> result.put(key, toInfo(value, key)));
        return Collections.unmodifiableMap(result);
    }

    /**
     * Reads the metadata of one file or directory.
     *
     * @param path the absolute path
     * @return the metadata
     * @throws NotFoundException if it does not exist
     */
    public FileInfo getFileInfo(String path) {
        Map<String, FileInfo> all = getFileInfo(List.of(RemotePaths.check(path, "path")));
        FileInfo info = all.get(path);
        if (info == null && all.size() == 1) {
            info = all.values().iterator().next();
        }
        if (info == null) {
            throw new NotFoundException(
                    404, new SandboxError(FileErrorCodes.FILE_NOT_FOUND, "execd returned no info for " + path), null);
        }
        return info;
    }

    /**
     * Finds the files under a directory, at any depth, whose names match a glob pattern. execd matches the pattern
     * against each file's name, not its path: {@code *.py} finds every Python file below the directory, while a
     * pattern with a directory part such as {@code src/*.py} matches nothing. Directories themselves are never
     * returned.
     *
     * @param directory the absolute path of the directory to search
     * @param pattern a glob matched against file names, such as {@code *.py}, {@code test_*} or {@code **}
     * @return the matching files
     */
    public List<FileInfo> search(String directory, String pattern) {
        RemotePaths.check(directory, "directory");
        if (pattern == null || pattern.isEmpty() || pattern.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidArgumentException("pattern must be a non-empty glob without control characters", null);
        }
        List<Wire.FileInfo> wire = call(
                "files.search",
                () -> client().call(
                                "GET",
                                "/files/search"
                                        + Urls.query().add("path", directory).add("pattern", pattern))
                        .as(INFO_LIST));
        return toInfos(wire);
    }

    /**
     * Finds every file under a directory (pattern {@code **}).
     *
     * @param directory the absolute path of the directory
     * @return the files
     */
    public List<FileInfo> search(String directory) {
        return search(directory, "**");
    }

    /**
     * Lists the entries directly inside a directory.
     *
     * @param path the absolute path of the directory (not a symbolic link)
     * @return the entries, in lexical order
     */
    public List<FileInfo> listDirectory(String path) {
        return listDirectory(path, 1);
    }

    /**
     * Lists a directory to a depth: 1 lists its entries, 2 also theirs, and so on. Symbolic links are listed,
     * never followed.
     *
     * @param path the absolute path of the directory (not a symbolic link)
     * @param depth at least 1
     * @return the entries, each directory's children in lexical order after it
     */
    public List<FileInfo> listDirectory(String path, int depth) {
        RemotePaths.check(path, "path");
        if (depth < 1) {
            throw new InvalidArgumentException("depth must be at least 1, got " + depth, null);
        }
        List<Wire.FileInfo> wire = call(
                "files.list",
                () -> client().call(
                                "GET",
                                "/directories/list"
                                        + Urls.query().add("path", path).add("depth", depth))
                        .as(INFO_LIST));
        return toInfos(wire);
    }

    // ------------------------------------------------------------------------------------------------ changes

    /**
     * Creates a directory and its missing parents ({@code mkdir -p}) with mode {@code 755}.
     *
     * @param path the absolute path
     */
    public void createDirectories(String path) {
        createDirectories(List.of(RemotePaths.check(path, "path")), Permissions.mode(DEFAULT_DIRECTORY_MODE));
    }

    /**
     * Creates directories and their missing parents. When the permissions set no mode, {@code 755} is used.
     *
     * @param paths the absolute paths
     * @param permissions owner, group and mode of the created directories
     */
    public void createDirectories(Collection<String> paths, Permissions permissions) {
        List<String> checked = RemotePaths.checkAll(paths, "path");
        Objects.requireNonNull(permissions, "permissions");
        FileMode mode = permissions.fileMode().orElse(DEFAULT_DIRECTORY_MODE);
        checkSendable(mode);
        Wire.Permission wire = new Wire.Permission(
                permissions.owner().orElse(null), permissions.group().orElse(null), Wire.modeToWire(mode.bits()));
        Map<String, Wire.Permission> body = new LinkedHashMap<>();
        checked.forEach(p -> body.put(p, wire));
        call(
                "files.createDirectories",
                () -> client().call("POST", "/directories").json(body).execute());
    }

    /**
     * Deletes files (not directories).
     *
     * @param paths the absolute paths
     */
    public void deleteFiles(Collection<String> paths) {
        List<String> checked = RemotePaths.checkAll(paths, "path");
        call(
                "files.delete",
                () -> client().call("DELETE", "/files" + Urls.query().addAll("path", checked))
                        .execute());
    }

    /**
     * Deletes directories with everything in them ({@code rm -rf}).
     *
     * @param paths the absolute paths
     */
    public void deleteDirectories(Collection<String> paths) {
        List<String> checked = RemotePaths.checkAll(paths, "path");
        call(
                "files.deleteDirectories",
                () -> client().call("DELETE", "/directories" + Urls.query().addAll("path", checked))
                        .execute());
    }

    /**
     * Moves or renames one file.
     *
     * @param source the current absolute path
     * @param destination the new absolute path; its directory must exist
     */
    public void moveFile(String source, String destination) {
        moveFiles(List.of(new MoveEntry(source, destination)));
    }

    /**
     * Moves or renames files, in order.
     *
     * @param moves the moves
     */
    public void moveFiles(List<MoveEntry> moves) {
        if (moves == null || moves.isEmpty()) {
            throw new InvalidArgumentException("moveFiles needs at least one move", null);
        }
        List<Wire.Move> body = new ArrayList<>(moves.size());
        for (MoveEntry move : moves) {
            body.add(new Wire.Move(
                    RemotePaths.check(move.source(), "source"), RemotePaths.check(move.destination(), "destination")));
        }
        call("files.move", () -> client().call("POST", "/files/mv").json(body).execute());
    }

    /**
     * Changes the owner, group or mode of one file or directory.
     *
     * @param path the absolute path
     * @param permissions what to change; an unset mode is left as it is, and for owner and group see
     *     {@link Permissions} (with neither set, execd makes its own user the owner)
     */
    public void setPermissions(String path, Permissions permissions) {
        Map<String, Permissions> one = new LinkedHashMap<>();
        one.put(RemotePaths.check(path, "path"), Objects.requireNonNull(permissions, "permissions"));
        setPermissions(one);
    }

    /**
     * Changes the owner, group or mode of several files or directories.
     *
     * @param permissions what to change, by absolute path
     */
    public void setPermissions(Map<String, Permissions> permissions) {
        if (permissions == null || permissions.isEmpty()) {
            throw new InvalidArgumentException("setPermissions needs at least one path", null);
        }
        Map<String, Wire.Permission> body = new LinkedHashMap<>();
        permissions.forEach((path, wanted) -> {
            RemotePaths.check(path, "path");
            Objects.requireNonNull(wanted, "permissions for " + path);
            if (wanted.isEmpty()) {
                throw new InvalidArgumentException("permissions for " + path + " set nothing", null);
            }
            wanted.fileMode().ifPresent(SandboxFiles::checkSendable);
            body.put(
                    path,
                    new Wire.Permission(
                            wanted.owner().orElse(null),
                            wanted.group().orElse(null),
                            wanted.fileMode()
                                    .map(m -> Wire.modeToWire(m.bits()))
                                    .orElse(null)));
        });
        call(
                "files.setPermissions",
                () -> client().call("POST", "/files/permissions").json(body).execute());
    }

    /**
     * Replaces text in files.
     *
     * @param replacements one per file, each path at most once
     */
    public void replaceContents(List<Replacement> replacements) {
        Map<String, Wire.Replace> body = replaceBody(replacements);
        call(
                "files.replace",
                () -> client().call("POST", "/files/replace").json(body).execute());
    }

    /**
     * Replaces text in files and reports how many occurrences each file had.
     *
     * @param replacements one per file, each path at most once
     * @return the number of replacements by path (0 when the text was not found)
     */
    public Map<String, Integer> replaceContentsDetailed(List<Replacement> replacements) {
        Map<String, Wire.Replace> body = replaceBody(replacements);
        Map<String, Wire.ReplaceResult> wire = call(
                "files.replace",
                () -> client().call("POST", "/files/replace" + Urls.query().add("verbose", "true"))
                        .json(body)
                        .as(REPLACE_MAP));
        Map<String, Integer> result = new LinkedHashMap<>();
        wire.forEach((path, count) -> result.put(path, count.replacedCount()));
        return Collections.unmodifiableMap(result);
    }

    private static Map<String, Wire.Replace> replaceBody(List<Replacement> replacements) {
        if (replacements == null || replacements.isEmpty()) {
            throw new InvalidArgumentException("replaceContents needs at least one replacement", null);
        }
        Map<String, Wire.Replace> body = new LinkedHashMap<>();
        for (Replacement replacement : replacements) {
            RemotePaths.check(replacement.path(), "path");
            if (replacement.oldContent().isEmpty()) {
                throw new InvalidArgumentException("the text to replace in " + replacement.path() + " is empty", null);
            }
            if (body.put(replacement.path(), new Wire.Replace(replacement.oldContent(), replacement.newContent()))
                    != null) {
                throw new InvalidArgumentException(
                        "the same path appears twice: " + replacement.path() + "; combine the replacements or make"
                                + " two calls",
                        null);
            }
        }
        return body;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Makes one metadata call, observed as {@code operation}, with execd's file errors refined. */
    private <T> T call(String operation, Supplier<T> action) {
        return observed(operation, () -> {
            try {
                return action.get();
            } catch (SandboxException e) {
                throw FileErrors.refine(e);
            }
        });
    }

    private <T> T observed(String operation, Supplier<T> body) {
        return Observed.run(handle.connectionConfig(), operation, handle.id(), body);
    }

    private <T> CompletableFuture<T> observedAsync(String operation, Supplier<CompletableFuture<T>> body) {
        return Observed.runAsync(handle.connectionConfig(), operation, handle.id(), body);
    }

    private static List<FileInfo> toInfos(List<Wire.FileInfo> wire) {
        List<FileInfo> result = new ArrayList<>(wire.size());
        for (Wire.FileInfo info : wire) {
            result.add(toInfo(info, ""));
        }
        return List.copyOf(result);
    }

    private static FileInfo toInfo(Wire.FileInfo wire, String fallbackPath) {
        String path = wire.path();
        Permissions.Builder permissions = Permissions.builder().mode(FileMode.ofOctal(Wire.modeFromWire(wire.mode())));
        String owner = wire.owner();
        if (owner != null && !owner.isEmpty()) {
            permissions.owner(owner);
        }
        String group = wire.group();
        if (group != null && !group.isEmpty()) {
            permissions.group(group);
        }
        return FileInfo.builder(path == null || path.isEmpty() ? fallbackPath : path)
                .type(FileType.fromWire(wire.type()))
                .size(wire.size())
                .modifiedAt(instant(wire.modifiedAt()))
                .createdAt(instant(wire.createdAt()))
                .permissions(permissions.build())
                .build();
    }

    private static Instant instant(@Nullable String text) {
        Instant value = Json.instant(text);
        return value == null ? Instant.EPOCH : value;
    }

    @Override
    public String toString() {
        return "SandboxFiles{" + handle.id() + "}";
    }
}
