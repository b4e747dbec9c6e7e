package io.opensandbox.commands.e2e;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.SandboxHandle;
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
 * A sandbox handle that delegates to a real one and counts, at the transport SPI boundary, the response bodies the
 * SDK cancelled and the ones the server ended (end of stream).
 */
final class RecordingHandle implements SandboxHandle {
    private final SandboxHandle delegate;
    private final Transport transport;
    final AtomicInteger cancelledBodies = new AtomicInteger();
    final AtomicInteger endedBodies = new AtomicInteger();

    RecordingHandle(SandboxHandle delegate) {
        this.delegate = delegate;
        Transport real = delegate.transport();
        this.transport = new Transport() {
            @Override
            public CompletableFuture<TransportResponse> send(TransportRequest request) {
                return real.send(request).thenApply(RecordingHandle.this::wrap);
            }

            @Override
            public String name() {
                return real.name();
            }

            @Override
            public void close() {
                // the real sandbox owns the transport
            }
        };
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
            public void close() {
                response.close();
            }
        };
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public ConnectionConfig connectionConfig() {
        return delegate.connectionConfig();
    }

    @Override
    public Transport transport() {
        return transport;
    }

    @Override
    public Endpoint endpoint(int port) {
        return delegate.endpoint(port);
    }
}
