package io.unshub.broker.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.unshub.broker.config.BrokerConfig;
import io.unshub.broker.metrics.BrokerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The TCP and WebSocket listeners, their TLS twins, and the per-connection pipeline:
 * bytes -> [TLS] -> [HTTP, WebSocket] -> {@link MqttPacketGuard} -> {@code MqttDecoder} -> connection handler,
 * with {@code MqttEncoder} on the way out. TLS listeners take their context from a {@link TlsContextReloader},
 * so a renewed certificate reaches new connections without a restart. Runs on its own event loop group
 * (epoll when available), so the broker never competes with HTTP for a loop.
 */
public final class MqttServer {

    private static final Logger LOG = LoggerFactory.getLogger(MqttServer.class);

    private final BrokerConfig config;
    private final ByteCounter byteCounter;
    private final Supplier<io.netty.channel.ChannelHandler> connectionHandlers;
    private final ConnectionLimiter connectionLimiter;
    private EventLoopGroup group;
    private Channel tcpChannel;
    private Channel wsChannel;
    private final BrokerMetrics metrics;
    private final TlsHandshakeWatcher tlsWatcher;
    private TlsContextReloader tlsContexts;
    private Channel tlsChannel;
    private Channel wssChannel;

    public MqttServer(BrokerConfig config, BrokerMetrics metrics, Supplier<io.netty.channel.ChannelHandler> connectionHandlers) {
        this.config = config;
        this.byteCounter = new ByteCounter(metrics);
        this.connectionHandlers = connectionHandlers;
        this.connectionLimiter = new ConnectionLimiter(config.limits(), metrics);
        this.metrics = metrics;
        this.tlsWatcher = new TlsHandshakeWatcher(metrics);
    }

    /**
     * Binds the configured listeners; throws if a port cannot be bound, and {@link IllegalArgumentException}
     * naming the file when a TLS PEM file is missing or unusable.
     */
    public void start() {
        start(loops -> { });
    }

    /**
     * Binds the configured listeners after {@code beforeBind} ran with the event loops (the broker rebuilds its
     * recovered sessions there, before a client can connect).
     */
    public void start(java.util.function.Consumer<EventLoopGroup> beforeBind) {
        if (config.tls().enabled()) {
            tlsContexts = new TlsContextReloader(config.tls(), metrics);
        }
        boolean epoll = Epoll.isAvailable();
        // One loop per core by default: the loops are CPU-bound, and every extra loop adds thread hand-offs
        // between publisher and subscriber connections (Netty's own default is two per core).
        int threads = config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
        group = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        Class<? extends ServerSocketChannel> channelClass = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        try {
            beforeBind.accept(group);
            if (config.port() != BrokerConfig.DISABLED) {
                tcpChannel = bind(channelClass, config.port(), false);
            }
            if (config.wsPort() != BrokerConfig.DISABLED) {
                wsChannel = bind(channelClass, config.wsPort(), true);
            }
            if (tlsContexts != null && config.tls().port() != BrokerConfig.DISABLED) {
                tlsChannel = bind(channelClass, config.tls().port(), false, true);
            }
            if (tlsContexts != null && config.tls().wssPort() != BrokerConfig.DISABLED) {
                wssChannel = bind(channelClass, config.tls().wssPort(), true, true);
            }
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        if (tlsContexts != null) {
            tlsContexts.start();
        }
        LOG.info("MQTT listening on {} (TCP {}, WebSocket {}{}, TLS {}, secure WebSocket {}), transport {}",
                config.host(), tcpPort(), wsPort(), config.wsPath(), tlsPort(), wssPort(), epoll ? "epoll" : "nio");
    }

    private Channel bind(Class<? extends ServerSocketChannel> channelClass, int port, boolean webSocket) {
        return bind(channelClass, port, webSocket, false);
    }

    private Channel bind(Class<? extends ServerSocketChannel> channelClass, int port, boolean webSocket,
                         boolean tls) {
        TlsContextReloader contexts = tls ? tlsContexts : null;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeBufferHighWaterMark() / 2, config.writeBufferHighWaterMark()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        // First: a connection over the limits is closed before any TLS, HTTP or MQTT work.
                        pipeline.addLast("limits", connectionLimiter);
                        pipeline.addLast("bytes", byteCounter);
                        if (tls) {
                            // Behind the byte counter (which counts wire bytes), ahead of everything else.
                            pipeline.addLast("tls", contexts.newHandler(ch.alloc()));
                            pipeline.addLast("tls-handshake", tlsWatcher);
                        }
                        if (webSocket) {
                            pipeline.addLast("http", new HttpServerCodec());
                            pipeline.addLast("http-aggregator", new HttpObjectAggregator(65_536));
                            pipeline.addLast("ws", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath(config.wsPath())
                                    .subprotocols("mqtt,mqttv3.1")
                                    .allowExtensions(true)
                                    .maxFramePayloadLength(config.maxPacketSize())
                                    .checkStartsWith(false)
                                    .build()));
                            pipeline.addLast("ws-frames", new WebSocketFrameCodec());
                        }
                        pipeline.addLast("guard", new MqttPacketGuard(config.maxPacketSize()));
                        pipeline.addLast("decoder", new MqttDecoder(config.maxPacketSize(), config.maxClientIdLength()));
                        pipeline.addLast("encoder", MqttEncoder.INSTANCE);
                        pipeline.addLast("mqtt", connectionHandlers.get());
                    }
                });
        try {
            return bootstrap.bind(new InetSocketAddress(config.host(), port)).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding port " + port, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot bind MQTT " + (tls ? "TLS " : "") + (webSocket ? "WebSocket " : "")
                    + "listener on "
                    + config.host() + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The bound TCP port (useful with port 0), or -1 when disabled. */
    public int tcpPort() {
        return tcpChannel == null ? -1 : ((InetSocketAddress) tcpChannel.localAddress()).getPort();
    }

    public int wsPort() {
        return wsChannel == null ? -1 : ((InetSocketAddress) wsChannel.localAddress()).getPort();
    }

    /** The bound MQTT over TLS port, or -1 when off. */
    public int tlsPort() {
        return tlsChannel == null ? -1 : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
    }

    /** The bound secure WebSocket port, or -1 when off. */
    public int wssPort() {
        return wssChannel == null ? -1 : ((InetSocketAddress) wssChannel.localAddress()).getPort();
    }

    public boolean isRunning() {
        return (tcpChannel != null && tcpChannel.isActive()) || (wsChannel != null && wsChannel.isActive())
                || (tlsChannel != null && tlsChannel.isActive()) || (wssChannel != null && wssChannel.isActive());
    }

    /** Whether every event loop runs a no-op task within the timeout (a blocked loop would not). */
    public boolean loopsRespond(long timeoutMillis) {
        EventLoopGroup current = group;
        if (current == null || current.isShuttingDown()) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (io.netty.util.concurrent.EventExecutor loop : current) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !loop.submit(() -> { }).awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    public EventLoopGroup group() {
        return group;
    }

    /**
     * Stops accepting: closes the listening sockets and leaves open connections alone, so a shutdown can
     * say goodbye to them (DISCONNECT 0x8B) without new ones arriving meanwhile. Idempotent.
     */
    public void closeListeners() {
        if (tcpChannel != null) {
            tcpChannel.close().syncUninterruptibly();
            tcpChannel = null;
        }
        if (wsChannel != null) {
            wsChannel.close().syncUninterruptibly();
            wsChannel = null;
        }
        if (tlsChannel != null) {
            tlsChannel.close().syncUninterruptibly();
            tlsChannel = null;
        }
        if (wssChannel != null) {
            wssChannel.close().syncUninterruptibly();
            wssChannel = null;
        }
    }

    /** Stops accepting and closes the listeners; connections are closed by the event loop shutdown. */
    public void stop() {
        closeListeners();
        if (tlsContexts != null) {
            tlsContexts.close();
            tlsContexts = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
