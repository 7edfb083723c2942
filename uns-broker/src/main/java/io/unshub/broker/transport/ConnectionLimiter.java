package io.unshub.broker.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.unshub.broker.config.ClientLimits;
import io.unshub.core.log.RateLimitedLog;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admits or refuses a new connection before any TLS, HTTP or MQTT work: open connections in total, open
 * connections per IP address, and new connections per second per IP address (a token bucket per address
 * holding one second's worth, refilled from elapsed time). A refused connection is closed at once, counted
 * by reason in {@link BrokerMetrics} and audited on {@code io.unshub.audit} (rate-limited); the handlers
 * behind this one never see it. An admitted connection takes this handler out of its pipeline and gives
 * its counts back when it closes.
 *
 * <p>Must be the first handler of every listener's pipeline; one instance is shared by all listeners of
 * a server, so the limits hold across TCP, TLS and WebSocket.
 *
 * <p>Threading: any event loop. The total is an atomic counter; per-address state is changed only inside
 * {@link ConcurrentHashMap#compute}, under the map's lock for that address. Entries of addresses with no
 * open connection and a full bucket are removed, on close and by a sweep at most once a second, so the map
 * holds only addresses that are connected or connected within the last second.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final int maxConnections;
    private final int maxPerAddress;
    private final int connectsPerSecond;
    private final boolean perAddress;
    private final BrokerMetrics metrics;
    private final RateLimitedLog audit;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AddressState> addresses = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());
    private final String totalReason;
    private final String perAddressReason;
    private final String rateReason;

    public ConnectionLimiter(ClientLimits limits, BrokerMetrics metrics) {
        this.maxConnections = limits.maxConnections();
        this.maxPerAddress = limits.maxConnectionsPerAddress();
        this.connectsPerSecond = limits.connectsPerSecondPerAddress();
        this.perAddress = maxPerAddress > 0 || connectsPerSecond > 0;
        this.metrics = metrics;
        this.audit = RateLimitedLog.standard(LoggerFactory.getLogger("io.unshub.audit"));
        this.totalReason = maxConnections + " connections are open in total";
        this.perAddressReason = maxPerAddress + " connections are open from this address";
        this.rateReason = "more than " + connectsPerSecond + " new connections per second from this address";
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        InetAddress address = channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        LimitHit refusal = admit(address, System.nanoTime());
        if (refusal != null) {
            metrics.limitHit(refusal);
            audit.warn("connection from {} refused: {} ({})", address == null ? channel.remoteAddress()
                    : address.getHostAddress(), describe(refusal), refusal);
            ctx.close(); // the handlers behind this one never saw the connection: channelInactive stops here too
            return;
        }
        if (maxConnections > 0 || perAddress) {
            channel.closeFuture().addListener((ChannelFutureListener) f -> release(address, System.nanoTime()));
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    /** Only refused connections are still here: their close concerns nobody behind. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
    }

    /** Only refused connections are still here; a closed channel reads nothing, but should bytes come, they go. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Takes a place for a new connection, or returns the limit that refuses it. */
    LimitHit admit(InetAddress address, long now) {
        if (!perAddress || address == null) {
            return takeTotal() ? null : LimitHit.MAX_CONNECTIONS;
        }
        sweepIfDue(now);
        LimitHit[] refusal = new LimitHit[1];
        addresses.compute(address, (key, state) -> {
            AddressState current = state == null ? new AddressState(connectsPerSecond, now) : state;
            current.refill(connectsPerSecond, now);
            if (connectsPerSecond > 0 && current.tokens < 1) {
                refusal[0] = LimitHit.CONNECT_RATE;
            } else if (maxPerAddress > 0 && current.open >= maxPerAddress) {
                refusal[0] = LimitHit.MAX_CONNECTIONS_PER_ADDRESS;
            } else if (!takeTotal()) {
                refusal[0] = LimitHit.MAX_CONNECTIONS;
            } else {
                current.open++;
                current.tokens -= 1;
            }
            return current.idle(connectsPerSecond) ? null : current;
        });
        return refusal[0];
    }

    private boolean takeTotal() {
        if (maxConnections <= 0) {
            return true;
        }
        while (true) {
            int now = open.get();
            if (now >= maxConnections) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back the place of a closed connection. */
    void release(InetAddress address, long now) {
        if (maxConnections > 0) {
            open.decrementAndGet();
        }
        if (perAddress && address != null) {
            addresses.computeIfPresent(address, (key, state) -> {
                state.open--;
                state.refill(connectsPerSecond, now);
                return state.idle(connectsPerSecond) ? null : state;
            });
        }
    }

    private void sweepIfDue(long now) {
        long last = lastSweep.get();
        if (now - last < SECOND || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        for (InetAddress address : addresses.keySet()) {
            addresses.computeIfPresent(address, (key, state) -> {
                state.refill(connectsPerSecond, now);
                return state.idle(connectsPerSecond) ? null : state;
            });
        }
    }

    /** Open connections admitted and not yet closed (counted only when a total limit is set; for tests). */
    int openConnections() {
        return open.get();
    }

    /** Addresses with state: connected, or connected within the last second (for tests). */
    int trackedAddresses() {
        return addresses.size();
    }

    private String describe(LimitHit refusal) {
        return switch (refusal) {
            case MAX_CONNECTIONS -> totalReason;
            case MAX_CONNECTIONS_PER_ADDRESS -> perAddressReason;
            default -> rateReason;
        };
    }

    /** One address: its open connections and its connect tokens. Changed only under the map's lock for the address. */
    private static final class AddressState {
        int open;
        double tokens;
        long refilledAt;

        AddressState(int connectsPerSecond, long now) {
            this.tokens = connectsPerSecond;
            this.refilledAt = now;
        }

        void refill(int connectsPerSecond, long now) {
            long elapsed = now - refilledAt;
            if (elapsed > 0) {
                if (connectsPerSecond > 0) {
                    tokens = Math.min(connectsPerSecond, tokens + (double) elapsed * connectsPerSecond / SECOND);
                }
                refilledAt = now;
            }
        }

        /** Nothing to remember: no open connection and a full bucket. */
        boolean idle(int connectsPerSecond) {
            return open <= 0 && tokens >= connectsPerSecond;
        }
    }
}
