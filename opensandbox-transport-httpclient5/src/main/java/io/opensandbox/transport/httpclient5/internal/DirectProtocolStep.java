package io.opensandbox.transport.httpclient5.internal;

import java.io.IOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.net.URIAuthority;
import org.jspecify.annotations.Nullable;

/**
 * Takes the place of HttpClient's protocol step ({@code ChainElement.PROTOCOL}, {@code AsyncProtocolExec}).
 *
 * <p>This transport turns off what that step is for: authentication (the SDK sends its own headers), proxies (no
 * proxy or route planner is configured, so every route is direct) and redirects. What is left of it is filling in a
 * request's scheme and authority when they are missing and refusing a user-info part, which this step keeps; but
 * the original also parses every request's URI again to find an authentication path prefix
 * ({@code RequestSupport.extractPathPrefix}, through {@code URIBuilder} and a copy of the request), whether
 * authentication is on or not. A JFR profile of sequential {@code getSandboxInfo} calls put that parse and copy at
 * about a fifth of the calling thread's samples (13.9% {@code extractPathPrefix}, 5.0% the request copy, of 337).
 */
final class DirectProtocolStep implements AsyncExecChainHandler {
    @Override
    public void execute(
            HttpRequest request,
            @Nullable AsyncEntityProducer entityProducer,
            AsyncExecChain.Scope scope,
            AsyncExecChain chain,
            AsyncExecCallback callback)
            throws HttpException, IOException {
        HttpHost target = scope.route.getTargetHost();
        if (request.getScheme() == null) {
            request.setScheme(target.getSchemeName());
        }
        URIAuthority authority = request.getAuthority();
        if (authority == null) {
            request.setAuthority(new URIAuthority(target));
        } else if (authority.getUserInfo() != null) {
            throw new ProtocolException("Request URI authority contains deprecated userinfo component");
        }
        chain.proceed(request, entityProducer, scope, callback);
    }
}
