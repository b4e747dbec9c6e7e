package io.opensandbox.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.RequestNotSentException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The JDK client's failures reach callers as JDK exceptions of the category the SPI promises. */
class JdkHttpFailuresTest {

    @Test
    void connectionRefused_wrappedAsTheJdkDoes_becomesAPlainConnectException() {
        ConnectException inner = new ConnectException("Connection refused");
        ConnectException outer = new ConnectException(null);
        outer.initCause(inner);
        IOException mapped = JdkHttpFailures.map(new CompletionException(outer));
        assertThat(mapped.getClass()).isEqualTo(ConnectException.class);
        assertThat(mapped).hasMessageContaining("could not connect");
    }

    @Test
    void unresolvedHost_reportedByTheJdkAsAConnectException_staysOne() {
        ConnectException outer = new ConnectException(null);
        outer.initCause(new UnresolvedAddressException());
        assertThat(JdkHttpFailures.map(new CompletionException(outer)).getClass())
                .isEqualTo(ConnectException.class);
    }

    @Test
    void connectTimeout_isNotSent_withATimeoutAsCause() {
        IOException mapped =
                JdkHttpFailures.map(new CompletionException(new HttpConnectTimeoutException("HTTP connect timed out")));
        assertThat(mapped).isInstanceOf(RequestNotSentException.class).hasCauseInstanceOf(SocketTimeoutException.class);
        assertThat(mapped.getCause()).hasCauseInstanceOf(HttpConnectTimeoutException.class);
    }

    @Test
    void otherTimeouts_becomeSocketTimeouts() {
        IOException mapped = JdkHttpFailures.map(new HttpTimeoutException("request timed out"));
        assertThat(mapped.getClass()).isEqualTo(SocketTimeoutException.class);
        assertThat(mapped).hasCauseInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void ourOwnTimeoutsAndPlainIOExceptions_passThrough() {
        SocketTimeoutException timeout = new SocketTimeoutException("no response headers within 1000 ms");
        assertThat(JdkHttpFailures.map(new CompletionException(timeout))).isSameAs(timeout);
        IOException broken = new IOException("connection reset");
        assertThat(JdkHttpFailures.map(broken)).isSameAs(broken);
    }

    @Test
    void nonIOFailures_becomeIOExceptions_withTheCause() {
        IllegalStateException bug = new IllegalStateException("boom");
        assertThat(JdkHttpFailures.map(new CompletionException(bug)))
                .isInstanceOf(IOException.class)
                .hasCause(bug);
    }
}
