package io.unshub.broker.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.unshub.core.log.RateLimitedLog;
import io.unshub.broker.metrics.BrokerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.nio.channels.ClosedChannelException;

/**
 * Sits right behind the {@code SslHandler}: counts failed handshakes (wrong protocol version, untrusted,
 * expired or missing client certificate, plain MQTT on the TLS port, handshake timeout, a client that hung up
 * mid-handshake). Refused handshakes go to the rate-limited audit log with the remote address; other TLS
 * errors are expected network noise, not bugs, and are logged at debug. Both end the connection instead of
 * travelling on to the MQTT handler. The {@code SslHandler} has already closed (or is closing) the channel.
 * Stateless and shared by all TLS channels.
 */
@ChannelHandler.Sharable
final class TlsHandshakeWatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeWatcher.class);
    private static final RateLimitedLog AUDIT = RateLimitedLog.standard(LoggerFactory.getLogger("io.unshub.audit"));

    private final BrokerMetrics metrics;

    TlsHandshakeWatcher(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
            metrics.tlsHandshakeFailed();
            if (completion.cause() instanceof javax.net.ssl.SSLHandshakeException) {
                // A refused certificate or protocol is an access decision: operators see it on the audit log.
                AUDIT.warn("TLS handshake refused from {}: {}", ctx.channel().remoteAddress(),
                        describe(completion.cause()));
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                        describe(completion.cause()));
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isTls(cause)) {
            // A failed handshake was already reported through its completion event; only report later errors.
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (LOG.isDebugEnabled() && ssl != null && ssl.handshakeFuture().isSuccess()) {
                LOG.debug("TLS error on the connection from {}: {}", ctx.channel().remoteAddress(), describe(cause));
            }
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The exception chain's messages. Never the client's bytes: Netty's {@link NotSslRecordException} carries a
     * hex dump of what arrived, which for plain MQTT on the TLS port is a CONNECT with its password.
     */
    private static String describe(Throwable cause) {
        if (cause instanceof ClosedChannelException) {
            return "the connection closed before the handshake completed";
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return "not a TLS record (plain MQTT or another protocol on the TLS port?)";
            }
        }
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null && text.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
