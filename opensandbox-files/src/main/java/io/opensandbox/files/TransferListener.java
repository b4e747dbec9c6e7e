package io.opensandbox.files;

/**
 * Told how an upload or download progresses. Called on the thread doing the transfer (the caller's thread for
 * blocking reads, an SDK worker thread for uploads and asynchronous downloads), never on a network I/O thread,
 * once per chunk (tens to hundreds of kilobytes). Keep it quick: the transfer waits for it. An exception it throws
 * aborts the transfer.
 */
@FunctionalInterface
public interface TransferListener {

    /** A listener that ignores every report. */
    TransferListener NONE = (transferred, total) -> {};

    /**
     * Reports progress.
     *
     * @param bytesTransferred the file content bytes moved so far: for uploads, handed to the transport; for
     *     downloads, delivered to the caller
     * @param totalBytes the total number of content bytes when known, else {@code -1}
     */
    void onProgress(long bytesTransferred, long totalBytes);
}
