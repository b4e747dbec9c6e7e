package io.opensandbox.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opensandbox.api.ConnectionConfig;
import io.opensandbox.api.SandboxClosedException;
import io.opensandbox.api.SandboxError;
import io.opensandbox.api.SandboxException;
import io.opensandbox.api.spi.Transport;
import io.opensandbox.api.spi.TransportOptions;
import io.opensandbox.api.spi.TransportProvider;
import io.opensandbox.api.spi.TransportRequest;
import io.opensandbox.api.spi.TransportResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TransportsTest {
    private static final ConnectionConfig PLAIN =
            ConnectionConfig.builder().domain("h:1").build();

    private static final class FakeTransport implements Transport {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public CompletableFuture<TransportResponse> send(TransportRequest request) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("fake"));
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private record Provider(String name, int priority) implements TransportProvider {
        @Override
        public Transport create(TransportOptions options) {
            return new FakeTransport();
        }
    }

    private static TransportProvider select(
            ConnectionConfig config, Map<String, String> settings, TransportProvider... providers) {
        return Transports.select(config, List.of(providers), settings::get);
    }

    @Test
    void select_withNoProvider_namesTheArtifactToAdd() {
        assertThatThrownBy(() -> select(PLAIN, Map.of()))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("io.opensandbox:opensandbox-transport-httpclient5")
                .extracting(e -> ((SandboxException) e).error().code())
                .isEqualTo(SandboxError.NO_TRANSPORT);
    }

    @Test
    void lease_onThisClassPathWithoutTransports_failsWithTheSameAdvice() {
        assertThatThrownBy(() -> Transports.lease(PLAIN))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("opensandbox-transport-httpclient5");
    }

    @Test
    void select_singleProvider_isChosen() {
        assertThat(select(PLAIN, Map.of(), new Provider("jdk", 10)).name()).isEqualTo("jdk");
    }

    @Test
    void select_uniqueHighestPriority_wins() {
        assertThat(select(PLAIN, Map.of(), new Provider("jdk", 10), new Provider("httpclient5", 100))
                        .name())
                .isEqualTo("httpclient5");
    }

    @Test
    void select_equalPriorities_refuseToGuessAndListCandidates() {
        assertThatThrownBy(() -> select(PLAIN, Map.of(), new Provider("a", 5), new Provider("b", 5)))
                .hasMessageContaining("a (priority 5)")
                .hasMessageContaining("b (priority 5)")
                .hasMessageContaining("transportName");
    }

    @Test
    void select_configuredNameWinsOverPropertyWhichWinsOverEnvironment() {
        TransportProvider a = new Provider("a", 1);
        TransportProvider b = new Provider("b", 100);
        TransportProvider c = new Provider("c", 50);
        Map<String, String> both = Map.of(Transports.PROPERTY, "a", Transports.ENVIRONMENT, "c");

        assertThat(select(PLAIN, both, a, b, c).name()).isEqualTo("a");
        assertThat(select(PLAIN, Map.of(Transports.ENVIRONMENT, "C"), a, b, c).name())
                .isEqualTo("c");
        ConnectionConfig named =
                ConnectionConfig.builder().domain("h:1").transportName("b").build();
        assertThat(select(named, both, a, b, c).name()).isEqualTo("b");
    }

    @Test
    void select_unknownConfiguredName_failsListingWhatIsPresent() {
        assertThatThrownBy(() -> select(PLAIN, Map.of(Transports.PROPERTY, "okhttp"), new Provider("jdk", 1)))
                .hasMessageContaining("'okhttp'")
                .hasMessageContaining("system property opensandbox.transport")
                .hasMessageContaining("jdk (priority 1)");
    }

    @Test
    void lease_sharesOneTransportPerConfigAndClosesItWithTheLastLease() {
        ConnectionConfig config = ConnectionConfig.builder().domain("h:1").build();
        AtomicInteger created = new AtomicInteger();
        FakeTransport[] made = new FakeTransport[2];
        TransportProvider provider = new TransportProvider() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public int priority() {
                return 0;
            }

            @Override
            public Transport create(TransportOptions options) {
                FakeTransport transport = new FakeTransport();
                made[created.getAndIncrement()] = transport;
                return transport;
            }
        };

        Transports.Lease first = Transports.lease(config, () -> provider);
        Transports.Lease second = Transports.lease(config, () -> provider);
        assertThat(second.transport()).isSameAs(first.transport());
        first.close();
        first.close();
        assertThat(made[0].closes).hasValue(0);
        second.close();
        assertThat(made[0].closes).hasValue(1);

        Transports.Lease third = Transports.lease(config, () -> provider);
        assertThat(third.transport()).isNotSameAs(made[0]);
        third.close();
        assertThat(created).hasValue(2);
    }

    @Test
    void lease_ofExplicitTransport_neverClosesIt() {
        FakeTransport mine = new FakeTransport();
        ConnectionConfig config =
                ConnectionConfig.builder().domain("h:1").transport(mine).build();

        Transports.Lease lease = Transports.lease(config);
        assertThat(lease.transport()).isSameAs(mine);
        lease.close();

        assertThat(mine.closes).hasValue(0);
    }

    @Test
    void userAgent_carriesTheVersionTheBuildGaveTheModule() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
                .matcher(pom);
        assertThat(parent.find()).isTrue();

        assertThat(Transports.USER_AGENT).isEqualTo("OpenSandbox-Java-SDK/" + parent.group(1));
    }

    @Test
    void close_endsEveryCallTheLeaseOwnsWithATypedClosedException() {
        FakeTransport mine = new FakeTransport();
        ConnectionConfig config =
                ConnectionConfig.builder().domain("h:1").transport(mine).build();
        Transports.Lease lease = Transports.lease(config);
        Transports.Lease other = Transports.lease(config);
        CompletableFuture<String> waiting = lease.own("GET /x", new CompletableFuture<>());
        CompletableFuture<String> done = lease.own("GET /y", CompletableFuture.completedFuture("ok"));
        CompletableFuture<String> others = other.own("GET /z", new CompletableFuture<>());
        AtomicReference<SandboxClosedException> aborted = new AtomicReference<>();
        lease.onClose("a stream", aborted::set);

        lease.close();

        assertThat(waiting).isCompletedExceptionally();
        assertThatThrownBy(waiting::join)
                .hasCauseInstanceOf(SandboxClosedException.class)
                .hasMessageContaining("GET /x");
        assertThat(done).isCompletedWithValue("ok");
        assertThat(aborted.get()).isNotNull();
        assertThat(aborted.get().error().code()).isEqualTo(SandboxError.CLOSED);
        assertThat(others).as("another lease's call").isNotDone();
        AtomicReference<SandboxClosedException> late = new AtomicReference<>();
        lease.onClose("a late call", late::set);
        assertThat(late.get()).as("registered after close: ended at once").isNotNull();
        other.close();
        assertThat(others).isCompletedExceptionally();
    }
}
