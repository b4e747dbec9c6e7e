package io.opensandbox.commands;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.Endpoint;
import io.opensandbox.api.SandboxHandle;
import io.opensandbox.api.internal.Transports;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/** A sandbox handle whose execd endpoint is a local test server; the transport is found through ServiceLoader. */
final class TestSandbox implements SandboxHandle, AutoCloseable {
    static final String API_KEY = "lifecycle-secret-key";
    static final String PREFIX = "/proxy/44772";

    private final ConnectionConfig config;
    private final Transports.Lease lease;
    private final Endpoint endpoint;
    private final RecordingTransport transport;

    /** Counts body subscriptions the SDK cancelled, at the transport SPI boundary. */
    static final class RecordingTransport implements Transport {
        private final Transport delegate;
        final AtomicInteger cancelledBodies = new AtomicInteger();

        RecordingTransport(Transport delegate) {
            this.delegate = delegate;
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
        public String name() {
            return delegate.name();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    TestSandbox(int port, Duration requestTimeout, Duration streamIdleTimeout) {
        this.config = ConnectionConfig.builder()
                .domain("127.0.0.1:9")
                .apiKey(API_KEY)
                .header("X-Custom", "custom-1")
                .requestTimeout(requestTimeout)
                .streamIdleTimeout(streamIdleTimeout)
                .build();
        this.lease = Transports.lease(config);
        this.transport = new RecordingTransport(lease.transport());
        this.endpoint = Endpoint.of("127.0.0.1:" + port + PREFIX, Map.of("X-Route", "route-1"));
    }

    TestSandbox(int port) {
        this(port, Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Override
    public String id() {
        return "sbx-1";
    }

    @Override
    public ConnectionConfig connectionConfig() {
        return config;
    }

    @Override
    public Transport transport() {
        return transport;
    }

    int cancelledBodies() {
        return transport.cancelledBodies.get();
    }

    @Override
    public Endpoint endpoint(int port) {
        if (port != EXECD_PORT) {
            throw new IllegalArgumentException("only execd is served here, not port " + port);
        }
        return endpoint;
    }

    @Override
    public void close() {
        lease.close();
    }
}
