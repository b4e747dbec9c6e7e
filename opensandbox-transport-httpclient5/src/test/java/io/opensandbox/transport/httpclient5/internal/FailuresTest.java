package io.opensandbox.transport.httpclient5.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opensandbox.api.spi.RequestNotSentException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ProtocolException;
import org.junit.jupiter.api.Test;

/** HttpClient's failures reach callers as plain JDK exceptions of the category the SPI promises. */
class FailuresTest {

    @Test
    void connectionRefused_becomesAPlainConnectException() {
        IOException mapped = Failures.map(new HttpHostConnectException("refused"), false);
        assertThat(mapped.getClass()).isEqualTo(ConnectException.class);
        assertThat(mapped).hasCauseInstanceOf(HttpHostConnectException.class);
    }

    @Test
    void connectTimeout_isNotSent_withTheTimeoutAsCause() {
        IOException mapped = Failures.map(new ConnectTimeoutException("slow"), false);
        assertThat(mapped).isInstanceOf(RequestNotSentException.class).hasCauseInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void unknownHost_isNotSent() {
        assertThat(Failures.map(new UnknownHostException("nowhere.invalid"), false))
                .isInstanceOf(RequestNotSentException.class);
    }

    @Test
    void closedBeforeTheRequestWasWritten_isNotSent_butAfterwardsAPlainIOException() {
        assertThat(Failures.map(new ConnectionClosedException("closed"), false))
                .isInstanceOf(RequestNotSentException.class);
        IOException afterwards = Failures.map(new ConnectionClosedException("closed"), true);
        assertThat(afterwards.getClass()).isEqualTo(IOException.class);
        assertThat(afterwards).hasCauseInstanceOf(ConnectionClosedException.class);
    }

    @Test
    void protocolErrors_andRuntimeFailures_becomeIOExceptions() {
        assertThat(Failures.map(new ProtocolException("bad chunk"), true).getClass())
                .isEqualTo(IOException.class);
        assertThat(Failures.map(new IllegalStateException("boom"), true).getClass())
                .isEqualTo(IOException.class);
    }

    @Test
    void jdkExceptionsOfTheRightCategory_passThrough() {
        SocketTimeoutException timeout = new SocketTimeoutException("t");
        assertThat(Failures.map(timeout, true)).isSameAs(timeout);
        RequestNotSentException notSent = new RequestNotSentException("n", null);
        assertThat(Failures.map(notSent, true)).isSameAs(notSent);
    }
}
