package io.opensandbox.transport.httpclient5.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.jspecify.annotations.Nullable;

/**
 * The last step of HttpClient's execution chain before the request is written to a connected endpoint. It hands the
 * exchange its {@link org.apache.hc.client5.http.async.AsyncExecRuntime}, through which an abort closes the
 * connection directly. Cancelling HttpClient's future alone is not reliable: when a new connection completes while
 * the caller's thread is still wiring the cancellation, the cancellable of the running request can be replaced by the
 * finished connect step, and the cancel then does nothing.
 */
final class AbortHook implements AsyncExecChainHandler {
    /** The context attribute that carries the {@link Exchange}. */
    static final String EXCHANGE = "io.opensandbox.transport.httpclient5.exchange";

    @Override
    public void execute(
            HttpRequest request,
            @Nullable AsyncEntityProducer entityProducer,
            AsyncExecChain.Scope scope,
            AsyncExecChain chain,
            AsyncExecCallback callback)
            throws HttpException, IOException {
        Object attribute = scope.clientContext.getAttribute(EXCHANGE);
        if (attribute instanceof Exchange exchange && !exchange.attach(scope.execRuntime)) {
            scope.execRuntime.discardEndpoint();
            callback.failed(new InterruptedIOException("the exchange was aborted"));
            return;
        }
        chain.proceed(request, entityProducer, scope, callback);
    }
}
