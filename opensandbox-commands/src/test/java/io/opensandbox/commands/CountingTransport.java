package io.opensandbox.commands;

import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport that passes everything to another one (buffer releases included) and counts, at the SPI boundary,
 * the response bodies the SDK cancelled and the ones the server ended.
 */
public final class CountingTransport implements Transport {
    /** Bodies whose subscription the SDK cancelled. */
    public final AtomicInteger cancelledBodies = new AtomicInteger();

    /** Bodies that reached their end of stream. */
    public final AtomicInteger endedBodies = new AtomicInteger();

    private final Transport delegate;
    private final boolean closesDelegate;

    /**
     * Wraps a transport.
     *
     * @param delegate the real transport
     * @param closesDelegate whether closing this closes the real one (false when someone else owns it)
     */
    public CountingTransport(Transport delegate, boolean closesDelegate) {
        this.delegate = delegate;
        this.closesDelegate = closesDelegate;
    }

    @Override
    public CompletableFuture<TransportResponse> send(TransportRequest request) {
        return delegate.send(request).thenApply(this::wrap);
    }

    private TransportResponse wrap(TransportResponse response) {
        return new TransportResponse() {
            @Override
            public int statusCode() {
                return response.statusCode();
            }

            @Override
            public Map<String, List<String>> headers() {
                return response.headers();
            }

            @Override
            public Flow.Publisher<ByteBuffer> body() {
                return subscriber -> response.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        subscriber.onSubscribe(new Flow.Subscription() {
                            @Override
                            public void request(long n) {
                                subscription.request(n);
                            }

                            @Override
                            public void cancel() {
                                cancelledBodies.incrementAndGet();
                                subscription.cancel();
                            }
                        });
                    }

                    @Override
                    public void onNext(ByteBuffer item) {
                        subscriber.onNext(item);
                    }

                    @Override
                    public void onError(Throwable throwable) {
                        subscriber.onError(throwable);
                    }

                    @Override
                    public void onComplete() {
                        endedBodies.incrementAndGet();
                        subscriber.onComplete();
                    }
                });
            }

            @Override
            public void releaseBuffer(ByteBuffer buffer) {
                response.releaseBuffer(buffer);
            }

            @Override
            public void close() {
                response.close();
            }
        };
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void close() {
        if (closesDelegate) {
            delegate.close();
        }
    }
}
