package io.unshub.broker.handler;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.unshub.broker.BrokerExtensions;
import io.unshub.broker.config.BrokerConfig;
import io.unshub.core.log.RateLimitedLog;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.metrics.BrokerMetrics.LimitHit;
import io.unshub.broker.persistence.BrokerStore;
import io.unshub.broker.persistence.StoreBatch;
import io.unshub.broker.persistence.StoreException;
import io.unshub.broker.persistence.StoredSubscription;
import io.unshub.broker.routing.RetainedStore;
import io.unshub.broker.routing.Router;
import io.unshub.broker.routing.Subscription;
import io.unshub.broker.routing.SubscriptionTree;
import io.unshub.broker.session.ClientChannel;
import io.unshub.broker.session.Delivery;
import io.unshub.broker.session.Session;
import io.unshub.broker.session.SessionRegistry;
import io.unshub.broker.session.WillMessage;
import io.unshub.broker.transport.ProtocolViolation;
import io.unshub.broker.transport.ReasonCodes;
import io.unshub.broker.transport.Utf8;
import io.unshub.core.bus.PublishGuard;
import io.unshub.core.bus.PublishOutcome;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;
import io.unshub.core.topic.Topics;
import io.unshub.broker.security.AuthResult;
import io.unshub.broker.security.Authenticator;
import io.unshub.broker.security.Credentials;
import io.unshub.broker.transport.ClientCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT network connection: the protocol state machine from CONNECT to close, for MQTT 3.1, 3.1.1
 * and 5.0. Inbound packets are handled here; outbound application messages come from the attached
 * {@link Session} through {@link ClientChannel}.
 *
 * <p>Threading: one instance per channel; every field is owned by the channel's event loop.
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter implements ClientChannel {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    /** Authentication failures, ACL denials and limit hits, for operators and log shippers. */
    private static final Logger AUDIT = LoggerFactory.getLogger("io.unshub.audit");
    /** Refused logins and limit hits on the audit log, at most 20 lines per 10 s across all connections. */
    private static final RateLimitedLog AUDIT_LOG = RateLimitedLog.standard(AUDIT);
    private static final MqttMessage PINGRESP =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));
    private static final int UNLIMITED = Integer.MAX_VALUE;
    /** netty-codec-mqtt's channel attribute for the protocol version its encoder uses. */
    private static final AttributeKey<MqttVersion> MQTT_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
    /** Time a new connection has to send its CONNECT. */
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private enum State { AWAITING_CONNECT, CONNECTING, CONNECTED, CLOSED }

    private final BrokerConfig config;
    private final UnsBus bus;
    private final SessionRegistry sessions;
    private final SubscriptionTree tree;
    private final RetainedStore retained;
    private final BrokerMetrics metrics;
    private final SubscriptionPolicy subscriptionPolicy;
    private final SubscriptionHook subscriptionHook;
    /** Adjusts outbound PUBLISHes per delivery; {@link OutboundRewriter#NONE} when nothing is plugged in. */
    private final OutboundRewriter outboundRewriter;
    private final PublishGuard publishGuard;
    private final Authenticator authenticator;
    private final ClientEvents events;
    private final TopicLimits topicLimits;
    private final int maxSubscriptions;
    /** Null when the limits set no publish quota. */
    private final PublishQuota publishQuota;

    private ChannelHandlerContext ctx;
    private State state = State.AWAITING_CONNECT;
    private int protocolLevel;
    private String clientId;
    private Origin origin;
    private String username;
    private String authenticatedUser;
    private String authMethod;
    private Session session;
    private WillMessage will;
    private boolean publishWillOnClose = true;
    private long sessionExpiry;
    private int keepAliveSeconds;
    private int clientReceiveMaximum = 65_535;
    private long clientMaxPacketSize = UNLIMITED;
    private int clientTopicAliasMaximum;
    private boolean problemInformation = true;
    private String[] inboundAliases;
    private HashMap<String, Integer> outboundAliases;
    private boolean flushNeeded;
    private long connectedAtMillis;
    /** Packets that arrived behind the CONNECT while the session was being attached; rarely non-empty. */
    private ArrayDeque<Object> readWhileConnecting;
    private String closeReason = "connection closed";
    /** The router when it records messages in a persistent store; null otherwise (nothing is ever awaited). */
    private final Router durableRouter;
    private final BrokerStore store;
    /**
     * Replies held back until their store commits are durable, in the order they must go out; a reply that
     * needs no commit waits behind them, so acknowledgements and deliveries keep the client's order.
     */
    private final ArrayDeque<Step> steps = new ArrayDeque<>();

    /** A held-back action: runs on this loop once {@code durable} completes (at once for null). */
    private record Step(CompletableFuture<?> durable, Runnable done, java.util.function.Consumer<Throwable> failed) {
    }

    public MqttConnection(BrokerConfig config, UnsBus bus, SessionRegistry sessions, SubscriptionTree tree,
                          RetainedStore retained, BrokerMetrics metrics, BrokerExtensions extensions,
                          ClientEvents events) {
        this.config = config;
        this.bus = bus;
        this.sessions = sessions;
        this.tree = tree;
        this.retained = retained;
        this.metrics = metrics;
        this.subscriptionPolicy = extensions.subscriptionPolicy();
        this.subscriptionHook = extensions.subscriptionHook();
        this.publishGuard = extensions.publishGuard();
        this.authenticator = extensions.authenticator();
        this.outboundRewriter = extensions.outboundRewriter();
        this.events = events;
        this.topicLimits = TopicLimits.of(config.limits());
        this.maxSubscriptions = config.limits().maxSubscriptionsPerClient();
        this.publishQuota = PublishQuota.of(config.limits(), System.nanoTime());
        Router router = bus instanceof Router r && r.store().persistent() ? r : null;
        this.durableRouter = router;
        this.store = router == null ? null : router.store();
    }

    /** Whether this client's session writes to the store: the store keeps anything and the session is persistent. */
    private boolean persistentSession() {
        return store != null && session != null && session.persistent();
    }

    /** Runs {@code done} (or {@code failed}) on this loop after {@code durable} and after every earlier step. */
    private void afterCommit(CompletableFuture<?> durable, Runnable done, java.util.function.Consumer<Throwable> failed) {
        if (steps.isEmpty() && (durable == null || (durable.isDone() && !durable.isCompletedExceptionally()))) {
            done.run();
            return;
        }
        steps.add(new Step(durable, done, failed));
        if (durable != null && !durable.isDone()) {
            durable.whenComplete((v, e) -> ctx.executor().execute(this::runSteps));
        } else {
            runSteps();
        }
    }

    /** Keeps a reply that needs no commit behind those waiting for one. */
    private void ordered(Runnable reply) {
        afterCommit(null, reply, null);
    }

    private void runSteps() {
        boolean ran = false;
        Step step;
        while ((step = steps.peek()) != null && (step.durable() == null || step.durable().isDone())) {
            steps.poll();
            ran = true;
            Throwable error = step.durable() == null ? null : step.durable().handle((v, e) -> e).join();
            if (error == null) {
                step.done().run();
            } else if (step.failed() != null) {
                step.failed().accept(error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : error);
            } else {
                storeFailed(error);
            }
        }
        if (ran && ctx.channel().isActive()) {
            ctx.flush();
            flushNeeded = false;
        }
    }

    /**
     * A commit the client waits for failed: an overloaded store refuses the message (MQTT 5: 0x97; MQTT 3.1.1
     * cannot say so and is disconnected), a closed or failed store ends the connection.
     */
    private void storeFailed(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                ? c.getCause() : error;
        boolean overloaded = cause instanceof StoreException e && e.reason() == StoreException.Reason.OVERLOADED;
        metrics.publishRejected();
        if (state != State.CLOSED) {
            disconnect(overloaded ? ReasonCodes.QUOTA_EXCEEDED : ReasonCodes.SERVER_UNAVAILABLE,
                    overloaded ? "the broker store cannot keep up" : "the broker store is unavailable: " + cause.getMessage());
        }
    }

    // ------------------------------------------------------------------ information for REST and $SYS

    public String clientId() {
        return clientId;
    }

    /** The authenticated user, or the user name the client sent when it connected anonymously. */
    public String username() {
        return authenticatedUser != null ? authenticatedUser : username;
    }

    /** How the client was let in: anonymous, password, jwt or certificate; null before CONNECT completes. */
    public String authMethod() {
        return authMethod;
    }

    /** "3.1", "3.1.1" or "5.0". */
    public String protocolVersion() {
        return switch (protocolLevel) {
            case 3 -> "3.1";
            case 4 -> "3.1.1";
            case 5 -> "5.0";
            default -> "unknown";
        };
    }

    public SocketAddress remoteAddress() {
        return ctx == null ? null : ctx.channel().remoteAddress();
    }

    private InetAddress remoteInetAddress() {
        return remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    public String remoteHost() {
        SocketAddress address = remoteAddress();
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort()
                : String.valueOf(address);
    }

    public int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    public Session session() {
        return session;
    }

    public long sessionExpirySeconds() {
        return sessionExpiry;
    }

    public Channel channel() {
        return ctx.channel();
    }

    // ------------------------------------------------------------------ pipeline events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.connectionOpened();
        ctx.pipeline().addBefore(ctx.name(), "idle", new IdleStateHandler(CONNECT_TIMEOUT_SECONDS, 0, 0));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CONNECTING || readWhileConnecting != null) {
            if (readWhileConnecting == null) {
                readWhileConnecting = new ArrayDeque<>(4);
            }
            readWhileConnecting.add(msg); // processed in order once the session is attached
            return;
        }
        try {
            handle(msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (state == State.AWAITING_CONNECT) {
                closeReason = "no CONNECT within " + CONNECT_TIMEOUT_SECONDS + "s";
                ctx.close();
            } else {
                disconnect(ReasonCodes.KEEP_ALIVE_TIMEOUT, "keep alive timeout");
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (state == State.CONNECTED && ctx.channel().isWritable() && session != null) {
            session.writable(); // retained replay waiting for buffer space goes on
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof java.io.IOException)) {
            LOG.warn("Closing connection of client {} after an unexpected error", clientId, cause);
        }
        closeReason = "error: " + cause.getClass().getSimpleName();
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.connectionClosed();
        if (readWhileConnecting != null) {
            readWhileConnecting.forEach(ReferenceCountUtil::release);
            readWhileConnecting = null;
        }
        State previous = state;
        state = State.CLOSED;
        if (previous == State.CONNECTED && session != null) {
            sessions.disconnected(session, this, publishWillOnClose ? will : null);
            events.disconnected(this, closeReason);
        }
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------ inbound dispatch

    private void handle(Object msg) {
        if (state == State.CLOSED) {
            return;
        }
        if (msg instanceof ProtocolViolation violation) {
            onViolation(violation);
            return;
        }
        if (!(msg instanceof MqttMessage message)) {
            // e.g. an HTTP request for another path on the WebSocket port
            closeReason = "not MQTT: " + msg.getClass().getSimpleName();
            ctx.close();
            return;
        }
        if (message.decoderResult().isFailure()) {
            onDecoderFailure(message.decoderResult().cause());
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (state == State.AWAITING_CONNECT) {
            if (type == MqttMessageType.CONNECT) {
                onConnect((MqttConnectMessage) message);
            } else {
                ctx.close(); // [MQTT-3.1.0-1]
            }
            return;
        }
        switch (type) {
            case PUBLISH -> onPublish((MqttPublishMessage) message);
            case PUBACK -> onPubAck(packetId(message));
            case PUBREC -> onPubRec(message);
            case PUBREL -> onPubRel(packetId(message));
            case PUBCOMP -> onPubAck(packetId(message));
            case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> onUnsubscribe((MqttUnsubscribeMessage) message);
            case PINGREQ -> {
                ctx.write(PINGRESP, ctx.voidPromise());
                flushNeeded = true;
            }
            case DISCONNECT -> onDisconnect(message);
            case CONNECT -> protocolError(ReasonCodes.PROTOCOL_ERROR, "second CONNECT [MQTT-3.1.0-2]");
            case AUTH -> protocolError(ReasonCodes.PROTOCOL_ERROR, "AUTH without an authentication method");
            default -> protocolError(ReasonCodes.PROTOCOL_ERROR, "unexpected " + type);
        }
    }

    private static int packetId(MqttMessage message) {
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    private void onViolation(ProtocolViolation violation) {
        metrics.packetRejected(violation.reasonCode());
        LOG.debug("Client {} at {} sent a bad packet: {}", clientId, remoteHost(), violation.detail());
        closeReason = violation.detail();
        if (violation.silent()) {
            ctx.close();
        } else if (state == State.AWAITING_CONNECT) {
            if (protocolLevel == 0) {
                // The CONNECT was refused before decoding; answer in the format of the level it announced.
                int announced = violation.protocolLevel();
                protocolLevel = announced == ProtocolViolation.UNKNOWN_LEVEL ? 0 : announced >= 5 ? 5 : 4;
            }
            refuseConnect(violation.reasonCode(), violation.detail());
        } else {
            disconnect(violation.reasonCode(), violation.detail());
        }
    }

    private void onDecoderFailure(Throwable cause) {
        int code;
        if (cause instanceof TooLongFrameException) {
            code = ReasonCodes.PACKET_TOO_LARGE;
        } else if (cause instanceof MqttUnacceptableProtocolVersionException) {
            code = ReasonCodes.UNSUPPORTED_PROTOCOL_VERSION;
        } else if (cause instanceof MqttIdentifierRejectedException) {
            code = ReasonCodes.CLIENT_IDENTIFIER_NOT_VALID;
        } else {
            code = ReasonCodes.MALFORMED_PACKET;
        }
        onViolation(new ProtocolViolation(code, String.valueOf(cause.getMessage()), false,
                protocolLevel == 0 ? ProtocolViolation.UNKNOWN_LEVEL : protocolLevel));
    }

    // ------------------------------------------------------------------ CONNECT

    private void onConnect(MqttConnectMessage connect) {
        MqttConnectVariableHeader header = connect.variableHeader();
        MqttConnectPayload payload = connect.payload();
        protocolLevel = header.version();
        boolean v5 = protocolLevel == 5;
        MqttProperties properties = header.properties();
        if (v5 && MqttProperties5.string(properties, MqttPropertyType.AUTHENTICATION_METHOD) != null) {
            refuseConnect(ReasonCodes.BAD_AUTHENTICATION_METHOD, "enhanced authentication is not supported");
            return;
        }
        if (v5 && config.serverReference().isPresent()) {
            refuseConnect(config.serverMovedPermanently() ? ReasonCodes.SERVER_MOVED : ReasonCodes.USE_ANOTHER_SERVER,
                    "redirected to " + config.serverReference().get());
            return;
        }
        boolean cleanStart = header.isCleanSession();
        String requestedId = payload.clientIdentifier() == null ? "" : payload.clientIdentifier();
        boolean assigned = false;
        if (requestedId.isEmpty()) {
            // 3.1 requires an id; 3.1.1 allows none only with a clean session [MQTT-3.1.3-7], [MQTT-3.1.3-8].
            if (!config.allowEmptyClientId() || protocolLevel == 3 || (protocolLevel == 4 && !cleanStart)) {
                refuseConnect(ReasonCodes.CLIENT_IDENTIFIER_NOT_VALID, "empty client identifier");
                return;
            }
            requestedId = AssignedClientIds.next();
            assigned = true;
        }
        if (!assigned && requestedId.length() > config.maxClientIdLength()) {
            refuseConnect(ReasonCodes.CLIENT_IDENTIFIER_NOT_VALID,
                    "client identifier longer than " + config.maxClientIdLength() + " characters");
            return;
        }
        clientId = requestedId;
        origin = Origin.client(clientId);
        username = payload.userName();

        keepAliveSeconds = header.keepAliveTimeSeconds();
        boolean keepAliveChanged = false;
        if (v5 && config.maxKeepAliveSeconds() > 0
                && (keepAliveSeconds == 0 || keepAliveSeconds > config.maxKeepAliveSeconds())) {
            keepAliveSeconds = config.maxKeepAliveSeconds();
            keepAliveChanged = true;
        }

        long requestedExpiry = v5 ? MqttProperties5.unsignedInt(properties, MqttPropertyType.SESSION_EXPIRY_INTERVAL, 0)
                : (cleanStart ? 0 : BrokerConfig.NEVER_EXPIRE);
        sessionExpiry = Math.min(requestedExpiry, config.maxSessionExpirySeconds());
        if (v5) {
            clientReceiveMaximum = MqttProperties5.intOr(properties, MqttPropertyType.RECEIVE_MAXIMUM, 65_535);
            long maxPacket = MqttProperties5.unsignedInt(properties, MqttPropertyType.MAXIMUM_PACKET_SIZE, UNLIMITED);
            clientMaxPacketSize = Math.min(maxPacket, UNLIMITED);
            clientTopicAliasMaximum = MqttProperties5.intOr(properties, MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 0);
            problemInformation = MqttProperties5.intOr(properties, MqttPropertyType.REQUEST_PROBLEM_INFORMATION, 1) == 1;
            if (config.topicAliasMaximum() > 0) {
                inboundAliases = new String[config.topicAliasMaximum() + 1];
            }
            if (clientTopicAliasMaximum > 0) {
                outboundAliases = new HashMap<>();
            }
        }

        WillDraft willDraft = null;
        if (header.isWillFlag()) {
            String willTopic = payload.willTopic();
            String problem = Topics.validateTopicName(willTopic);
            LimitHit willLimit = problem == null ? topicLimits.exceeded(willTopic) : null;
            if (willLimit != null) {
                metrics.limitHit(willLimit);
                problem = "topic name " + topicLimits.describe(willLimit);
            }
            if (problem != null) {
                refuseConnect(ReasonCodes.TOPIC_NAME_INVALID, "will topic: " + problem);
                return;
            }
            MessageProperties willProperties = v5 ? MqttProperties5.toMessageProperties(payload.willProperties())
                    : MessageProperties.NONE;
            byte[] willPayload = payload.willMessageInBytes();
            if (willProperties.utf8Payload() && !Utf8.isWellFormed(willPayload)) {
                refuseConnect(ReasonCodes.PAYLOAD_FORMAT_INVALID, "will payload is not UTF-8 (payload format indicator 1)");
                return;
            }
            long willDelay = v5 ? MqttProperties5.unsignedInt(payload.willProperties(),
                    MqttPropertyType.WILL_DELAY_INTERVAL, 0) : 0;
            willDraft = new WillDraft(willTopic, willPayload, header.willQos(), header.isWillRetain(), willProperties,
                    willDelay);
        }

        state = State.CONNECTING;
        // Stop reading until the session is attached; what was already read waits in readWhileConnecting.
        ctx.channel().config().setAutoRead(false);
        PendingConnect pending = new PendingConnect(cleanStart, assigned, keepAliveChanged, requestedExpiry, willDraft);
        Credentials credentials = new Credentials(clientId, username, payload.passwordInBytes(), remoteInetAddress(),
                ClientCertificates.of(ctx.channel()), protocolLevel);
        CompletionStage<AuthResult> verdict;
        try {
            verdict = authenticator.authenticate(credentials);
        } catch (RuntimeException e) {
            verdict = CompletableFuture.failedFuture(e);
        }
        verdict.whenComplete((result, error) -> ctx.executor().execute(() -> onAuthenticated(result, error, pending)));
    }

    /** The rest of a CONNECT, back on the event loop once the authenticator has answered. */
    private void onAuthenticated(AuthResult result, Throwable error, PendingConnect pending) {
        if (state != State.CONNECTING || !ctx.channel().isActive()) {
            return; // closed while the authenticator was working; nothing was set up yet
        }
        if (error != null || result == null) {
            LOG.error("authentication of client '{}' from {} failed", clientId, remoteHost(), error);
            refuseConnect(ReasonCodes.SERVER_UNAVAILABLE, "authentication is not available");
            return;
        }
        if (result instanceof AuthResult.Refused refused) {
            metrics.authenticationRefused();
            AUDIT_LOG.warn("authentication refused: client '{}' user '{}' from {}: {}", clientId, username,
                    remoteHost(), refused.reason());
            refuseConnect(refused.reasonCode(), refused.reason());
            return;
        }
        AuthResult.Allowed allowed = (AuthResult.Allowed) result;
        authenticatedUser = allowed.username();
        authMethod = allowed.method();
        origin = Origin.client(clientId, allowed.username(), allowed.roles());
        boolean v5 = protocolLevel == 5;
        WillDraft draft = pending.will();
        if (draft != null) {
            UnsMessage willMessage = UnsMessage.of(draft.topic(), draft.payload(), draft.qos(), draft.retain(),
                    draft.properties(), origin.asWill());
            // Check the will now, while the client can still be told; later there is nobody to tell.
            PublishOutcome.Rejected refused = publishGuard.check(willMessage);
            if (refused != null && (v5 || refused.disconnectMqtt3())) {
                // MQTT 3.1.1 has no CONNACK code for a refused will; "not authorized" is the closest it can read.
                refuseConnect(v5 ? refused.reasonCode() : ReasonCodes.NOT_AUTHORIZED, "will: " + refused.reason());
                return;
            }
            // An MQTT 3.1.1 client has no reason code to learn from: by default it connects without its will.
            will = refused == null ? new WillMessage(willMessage, draft.delaySeconds()) : null;
        }
        if (sessions.ownedByAnother(clientId, allowed.username())) {
            AUDIT_LOG.warn("client id '{}' of another user refused for user '{}' from {}", clientId,
                    allowed.username(), remoteHost());
            refuseConnect(ReasonCodes.NOT_AUTHORIZED, "the client id is in use by another user");
            return;
        }
        sessions.connect(clientId, allowed.username(), pending.cleanStart(), sessionExpiry, ctx.channel().eventLoop(),
                this, (attached, present) -> onSessionAttached(attached, present, pending.assignedId(),
                        pending.announceKeepAlive(), pending.requestedExpiry()));
    }

    /** A will as the CONNECT described it, checked once the client's identity is known. */
    private record WillDraft(String topic, byte[] payload, int qos, boolean retain, MessageProperties properties,
                             long delaySeconds) {
    }

    /** What the CONNECT decided that the second half of the connect needs. */
    private record PendingConnect(boolean cleanStart, boolean assignedId, boolean announceKeepAlive,
                                  long requestedExpiry, WillDraft will) {
    }

    private void onSessionAttached(Session attached, boolean present, boolean assignedId, boolean announceKeepAlive,
                                   long requestedExpiry) {
        session = attached;
        if (state == State.CLOSED || !ctx.channel().isActive()) {
            // Closed while the session was being prepared (its handlers may be gone already): let the session
            // go right after the attach that follows this callback, as any other closed connection would.
            state = State.CLOSED;
            ctx.channel().eventLoop().execute(() -> sessions.disconnected(attached, this, publishWillOnClose ? will : null));
            return;
        }
        MqttProperties properties = MqttProperties.NO_PROPERTIES;
        if (protocolLevel == 5) {
            properties = new MqttProperties();
            if (config.receiveMaximum() != 65_535) {
                properties.add(new IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), config.receiveMaximum()));
            }
            properties.add(new IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(), config.maxPacketSize()));
            properties.add(new IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(), config.topicAliasMaximum()));
            if (assignedId) {
                properties.add(new StringProperty(MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER.value(), clientId));
            }
            if (announceKeepAlive) {
                properties.add(new IntegerProperty(MqttPropertyType.SERVER_KEEP_ALIVE.value(), keepAliveSeconds));
            }
            if (sessionExpiry != requestedExpiry) {
                properties.add(new IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), (int) sessionExpiry));
            }
        }
        MqttConnAckMessage connAck = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(present)
                .properties(properties)
                .build();
        ctx.write(connAck, ctx.voidPromise());
        state = State.CONNECTED;
        connectedAtMillis = System.currentTimeMillis();
        ctx.pipeline().remove("idle");
        if (keepAliveSeconds > 0) {
            // 1.5 times the keep alive without any packet ends the connection [MQTT-3.1.2-22 / MQTT-3.1.2-24].
            ctx.pipeline().addBefore(ctx.name(), "idle",
                    new IdleStateHandler(keepAliveSeconds * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        }
        events.connected(this);
        // Runs after the session's attach (which resends what was in flight), before any newer read.
        ctx.channel().eventLoop().execute(this::processReadWhileConnecting);
    }

    /** Handles, in order, what arrived behind the CONNECT; reads stay buffered until this has run. */
    private void processReadWhileConnecting() {
        ArrayDeque<Object> buffered = readWhileConnecting;
        while (buffered != null && !buffered.isEmpty()) {
            Object msg = buffered.poll();
            try {
                handle(msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        readWhileConnecting = null;
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
        if (state == State.CONNECTED) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void refuseConnect(int reasonCode, String reason) {
        closeReason = reason;
        metrics.packetRejected(reasonCode);
        int code = protocolLevel == 5 ? reasonCode : ReasonCodes.toV3ConnackCode(reasonCode);
        MqttProperties properties = MqttProperties.NO_PROPERTIES;
        if (protocolLevel == 5) {
            properties = new MqttProperties();
            if (config.serverReference().isPresent()
                    && (reasonCode == ReasonCodes.USE_ANOTHER_SERVER || reasonCode == ReasonCodes.SERVER_MOVED)) {
                properties.add(new StringProperty(MqttPropertyType.SERVER_REFERENCE.value(), config.serverReference().get()));
            }
            properties.add(new StringProperty(MqttPropertyType.REASON_STRING.value(), reason));
        }
        state = State.CLOSED;
        if (protocolLevel == 0 || code == ReasonCodes.V3_NO_CONNACK) {
            ctx.close(); // no CONNACK format the client reads, or none for this case in 3.1.1
            return;
        }
        // The decoder sets the codec's version on a decoded CONNECT; a CONNECT refused before decoding has none.
        ctx.channel().attr(MQTT_VERSION).setIfAbsent(protocolLevel == 5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1);
        MqttConnAckMessage connAck = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.valueOf((byte) code))
                .sessionPresent(false)
                .properties(properties)
                .build();
        ctx.writeAndFlush(connAck).addListener(ChannelFutureListener.CLOSE);
    }

    // ------------------------------------------------------------------ PUBLISH from the client

    private void onPublish(MqttPublishMessage publish) {
        MqttFixedHeader fixed = publish.fixedHeader();
        MqttPublishVariableHeader header = publish.variableHeader();
        int qos = fixed.qosLevel().value();
        int packetId = header.packetId();
        String topic = header.topicName();
        boolean v5 = protocolLevel == 5;
        MqttProperties properties = v5 ? header.properties() : MqttProperties.NO_PROPERTIES;

        if (v5) {
            Integer alias = MqttProperties5.integer(properties, MqttPropertyType.TOPIC_ALIAS);
            if (alias != null) {
                if (inboundAliases == null || alias <= 0 || alias >= inboundAliases.length) {
                    protocolError(ReasonCodes.TOPIC_ALIAS_INVALID, "topic alias " + alias + " is not between 1 and "
                            + config.topicAliasMaximum() + " [MQTT-3.3.2-9], [MQTT-3.3.2-10]");
                    return;
                }
                if (topic.isEmpty()) {
                    topic = inboundAliases[alias];
                    if (topic == null) {
                        protocolError(ReasonCodes.PROTOCOL_ERROR, "topic alias " + alias + " was never set");
                        return;
                    }
                } else {
                    inboundAliases[alias] = topic;
                }
            }
        }
        if (topic.isEmpty()) {
            protocolError(ReasonCodes.PROTOCOL_ERROR, "empty topic without a topic alias [MQTT-3.3.2-1]");
            return;
        }
        if (qos == 2 && session.isAwaitingPubRel(packetId)) {
            // A resend of a QoS 2 message we already own: acknowledge again, deliver nothing [MQTT-4.3.3-10].
            ordered(() -> writePubReply(MqttMessageType.PUBREC, packetId, ReasonCodes.SUCCESS, null));
            return;
        }
        if (qos == 2 && session.inboundQos2Count() >= config.receiveMaximum()) {
            protocolError(ReasonCodes.RECEIVE_MAXIMUM_EXCEEDED,
                    "more than " + config.receiveMaximum() + " unacknowledged QoS 2 publishes [MQTT-3.3.4-7]");
            return;
        }
        if ((publishQuota != null || !topicLimits.unlimited())
                && refusedByLimits(topic, qos, packetId, publish.payload().readableBytes())) {
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(publish.payload());
        MessageProperties messageProperties = v5 ? MqttProperties5.toMessageProperties(properties) : MessageProperties.NONE;
        metrics.messageIn(qos, payload.length);
        if (messageProperties.utf8Payload() && !Utf8.isWellFormed(payload)) {
            metrics.publishRejected(); // refused before it reached the bus, which counts the others
            rejectPublish(qos, packetId, new PublishOutcome.Rejected(ReasonCodes.PAYLOAD_FORMAT_INVALID,
                    "payload format indicator is 1 but the payload is not UTF-8 [MQTT-3.3.2-4]"));
            return;
        }
        long now = System.currentTimeMillis();
        UnsMessage message = new UnsMessage(topic, payload, qos, fixed.isRetain(), messageProperties, origin, now,
                System.nanoTime());
        if (durableRouter != null) {
            publishDurably(message, qos, packetId, v5);
            return;
        }
        PublishOutcome outcome = bus.publish(message);
        if (outcome instanceof PublishOutcome.Rejected rejected) {
            rejectPublish(qos, packetId, rejected);
            return;
        }
        int code = ((PublishOutcome.Routed) outcome).subscribers() == 0 && v5 ? ReasonCodes.NO_MATCHING_SUBSCRIBERS
                : ReasonCodes.SUCCESS;
        if (qos == 1) {
            writePubReply(MqttMessageType.PUBACK, packetId, code, null);
        } else if (qos == 2) {
            session.beginInboundQos2(packetId);
            writePubReply(MqttMessageType.PUBREC, packetId, code, null);
        }
    }

    /**
     * With a persistent store: the PUBACK/PUBREC goes out once the message is recorded for every persistent
     * session it reaches (and, for QoS 2 from a persistent session, once the packet id is recorded too).
     */
    private void publishDurably(UnsMessage message, int qos, int packetId, boolean v5) {
        boolean recordPubRel = qos == 2 && persistentSession();
        String id = clientId;
        Router.Publication publication = durableRouter.publishDurably(message,
                recordPubRel ? batch -> batch.addAwaitingPubRel(id, packetId) : null);
        if (publication.outcome() instanceof PublishOutcome.Rejected rejected) {
            rejectPublish(qos, packetId, rejected);
            return;
        }
        int code = ((PublishOutcome.Routed) publication.outcome()).subscribers() == 0 && v5
                ? ReasonCodes.NO_MATCHING_SUBSCRIBERS : ReasonCodes.SUCCESS;
        if (qos == 2) {
            session.beginInboundQos2(packetId); // now, so a resend before the commit is recognised
        }
        afterCommit(publication.durable(), () -> {
            if (qos == 1) {
                writePubReply(MqttMessageType.PUBACK, packetId, code, null);
            } else if (qos == 2) {
                writePubReply(MqttMessageType.PUBREC, packetId, code, null);
            }
        }, error -> {
            if (qos == 2) {
                session.releaseInboundQos2(packetId);
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : error;
            if (qos > 0 && v5 && cause instanceof StoreException e && e.reason() == StoreException.Reason.OVERLOADED) {
                metrics.publishRejected();
                writePubReply(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId,
                        ReasonCodes.QUOTA_EXCEEDED, "the broker store cannot keep up");
            } else {
                storeFailed(cause);
            }
        });
    }

    /**
     * Applies the topic limits and the publish quota before the payload is copied; true if the message was
     * refused and answered. Over quota: MQTT 5 QoS 1/2 get 0x97, QoS 0 and MQTT 3.1.1 are dropped (3.1.1
     * acknowledged), or the client is disconnected when the limits say so.
     */
    private boolean refusedByLimits(String topic, int qos, int packetId, int payloadBytes) {
        if (publishQuota != null && publishQuota.disconnecting) {
            return true; // what was read behind the PUBLISH that ended the connection
        }
        LimitHit hit = topicLimits.exceeded(topic);
        PublishOutcome.Rejected refusal;
        if (hit != null) {
            refusal = new PublishOutcome.Rejected(ReasonCodes.TOPIC_NAME_INVALID,
                    "topic name " + topicLimits.describe(hit));
            AUDIT_LOG.warn("limit: client '{}' from {}: publish refused, {}", clientId, remoteHost(), refusal.reason());
        } else {
            hit = publishQuota == null ? null : publishQuota.acquire(payloadBytes, System.nanoTime());
            if (hit == null) {
                return false;
            }
            refusal = hit == LimitHit.PUBLISH_RATE ? publishQuota.messagesRefusal : publishQuota.bytesRefusal;
            publishQuota.disconnecting = config.limits().disconnectOverQuota();
            if (publishQuota.startRefusing()) { // audit the start of an episode, not every message
                AUDIT_LOG.warn("limit: client '{}' from {}: {}", clientId, remoteHost(), refusal.reason()
                        + (publishQuota.disconnecting ? ", disconnected" : ", publishes refused until it slows down"));
            }
        }
        metrics.messageIn(qos, payloadBytes);
        metrics.publishRejected();
        metrics.limitHit(hit);
        if (publishQuota != null && publishQuota.disconnecting) {
            disconnect(ReasonCodes.QUOTA_EXCEEDED, refusal.reason()); // MQTT 5: DISCONNECT 0x97; 3.1.1: closed
        } else {
            rejectPublish(qos, packetId, refusal);
        }
        return true;
    }

    private void rejectPublish(int qos, int packetId, PublishOutcome.Rejected rejection) {
        if (steps.isEmpty()) {
            rejectPublishNow(qos, packetId, rejection);
        } else {
            ordered(() -> rejectPublishNow(qos, packetId, rejection));
        }
    }

    private void rejectPublishNow(int qos, int packetId, PublishOutcome.Rejected rejection) {
        int reasonCode = rejection.reasonCode();
        String reason = rejection.reason();
        if (protocolLevel < 5) {
            // MQTT 3.1.1 has no negative acknowledgement: close the connection or acknowledge and drop [MQTT-3.3.5-2].
            if (rejection.disconnectMqtt3()) {
                disconnect(reasonCode, reason);
                return;
            }
            if (qos == 1) {
                writePubReply(MqttMessageType.PUBACK, packetId, ReasonCodes.SUCCESS, null);
            } else if (qos == 2) {
                session.beginInboundQos2(packetId);
                writePubReply(MqttMessageType.PUBREC, packetId, ReasonCodes.SUCCESS, null);
            }
            return;
        }
        if (qos == 0) {
            if (rejection.disconnectMqtt5Qos0()) {
                disconnect(reasonCode, reason);
            }
        } else {
            writePubReply(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId, reasonCode, reason);
        }
    }

    private void onPubRel(int packetId) {
        boolean known = session.releaseInboundQos2(packetId);
        int code = known || protocolLevel < 5 ? ReasonCodes.SUCCESS : ReasonCodes.PACKET_IDENTIFIER_NOT_FOUND;
        // With a persistent session the PUBCOMP waits until the store forgets the packet id too.
        CompletableFuture<Void> durable = known && persistentSession()
                ? store.commit(new StoreBatch().removeAwaitingPubRel(clientId, packetId)) : null;
        afterCommit(durable, () -> writePubReply(MqttMessageType.PUBCOMP, packetId, code, null), null);
    }

    // ------------------------------------------------------------------ acknowledgements of our PUBLISHes

    private void onPubAck(int packetId) {
        session.completed(packetId);
    }

    private void onPubRec(MqttMessage message) {
        int packetId = packetId(message);
        boolean failed = message.variableHeader() instanceof MqttPubReplyMessageVariableHeader reply
                && (reply.reasonCode() & 0xFF) >= 0x80;
        Session.PubRecOutcome outcome = session.received(packetId, failed);
        if (failed) {
            return;
        }
        int code = outcome.known() || protocolLevel < 5 ? ReasonCodes.SUCCESS : ReasonCodes.PACKET_IDENTIFIER_NOT_FOUND;
        // The PUBREL waits until the PUBREC is on disk: after a crash the hub then resends only the PUBREL,
        // never the PUBLISH of a message the client may already have completed [MQTT-4.3.3].
        afterCommit(outcome.durable(), () -> writePubReply(MqttMessageType.PUBREL, packetId, code, null), null);
    }

    // ------------------------------------------------------------------ SUBSCRIBE / UNSUBSCRIBE

    private void onSubscribe(MqttSubscribeMessage subscribe) {
        int packetId = subscribe.idAndPropertiesVariableHeader().messageId();
        boolean v5 = protocolLevel == 5;
        int subscriptionId = v5 ? MqttProperties5.intOr(subscribe.idAndPropertiesVariableHeader().properties(),
                MqttPropertyType.SUBSCRIPTION_IDENTIFIER, 0) : 0;
        List<MqttTopicSubscription> requested = subscribe.payload().topicSubscriptions();
        List<io.unshub.core.message.UserProperty> userProperties = v5
                ? MqttProperties5.userProperties(subscribe.idAndPropertiesVariableHeader().properties()) : List.of();
        int[] codes = new int[requested.size()];
        List<Runnable> retainedDeliveries = new ArrayList<>();
        StoreBatch stored = null;
        for (int i = 0; i < codes.length; i++) {
            MqttTopicSubscription request = requested.get(i);
            String filter = request.topicFilter();
            var option = request.option();
            if (Topics.validateFilter(filter) != null || filterOverLimits(filter)) {
                codes[i] = v5 ? ReasonCodes.TOPIC_FILTER_INVALID : ReasonCodes.UNSPECIFIED_ERROR;
                continue;
            }
            boolean shared = Topics.isShared(filter);
            if (shared && option.isNoLocal()) {
                protocolError(ReasonCodes.PROTOCOL_ERROR, "no local on a shared subscription [MQTT-3.8.3-4]");
                return;
            }
            int refusal = subscriptionPolicy.check(origin, filter);
            if (refusal != 0) {
                codes[i] = v5 ? refusal : ReasonCodes.UNSPECIFIED_ERROR;
                continue;
            }
            if (overSubscriptionLimit(filter)) {
                codes[i] = v5 ? ReasonCodes.QUOTA_EXCEEDED : ReasonCodes.UNSPECIFIED_ERROR;
                continue;
            }
            SubscriptionHook.Decision decision = subscriptionHook.subscribing(origin, filter, userProperties);
            if (decision != null && decision.refusal() != 0) {
                codes[i] = v5 ? decision.refusal() : ReasonCodes.UNSPECIFIED_ERROR;
                continue;
            }
            int grantedQos = option.qos().value();
            int retainHandling = option.retainHandling().value();
            Subscription subscription = new Subscription(session, filter, grantedQos, v5 && option.isNoLocal(),
                    v5 && option.isRetainAsPublished(), v5 ? retainHandling : 0, subscriptionId);
            boolean isNew = tree.add(subscription);
            session.subscriptions().put(filter, subscription);
            if (persistentSession()) {
                if (stored == null) {
                    stored = new StoreBatch();
                }
                stored.putSubscription(clientId, StoredSubscription.of(subscription));
            }
            codes[i] = grantedQos;
            // Retained messages go out after the SUBACK [MQTT-3.3.1-9], shared subscriptions get none (MQTT 5 section 4.8.2).
            if (!shared && (subscription.retainHandling() == 0 || (subscription.retainHandling() == 1 && isNew))) {
                retainedDeliveries.add(() -> deliverRetained(subscription));
            }
            if (decision != null && decision.outlet() != null) {
                retainedDeliveries.add(() -> decision.outlet().accept(new SessionOutlet(session, subscription)));
            }
        }
        MqttSubAckMessage subAck = new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes));
        // A persistent session's SUBACK waits until its subscriptions are durable.
        afterCommit(stored == null ? null : store.commit(stored), () -> {
            ctx.write(subAck, ctx.voidPromise());
            flushNeeded = true;
            retainedDeliveries.forEach(Runnable::run);
        }, null);
    }

    /** Whether the filter (without a $share prefix) exceeds the topic limits; counted and audited if so. */
    private boolean filterOverLimits(String filter) {
        if (topicLimits.unlimited()) {
            return false;
        }
        LimitHit hit = topicLimits.exceeded(Topics.matchingFilter(filter));
        if (hit == null) {
            return false;
        }
        metrics.limitHit(hit);
        AUDIT_LOG.warn("limit: client '{}' from {}: subscription refused, topic filter {}", clientId, remoteHost(),
                topicLimits.describe(hit));
        return true;
    }

    /** Whether a new filter would take the session beyond its subscriptions; re-subscribing never does. */
    private boolean overSubscriptionLimit(String filter) {
        if (maxSubscriptions == 0 || session.subscriptions().size() < maxSubscriptions
                || session.subscriptions().containsKey(filter)) {
            return false;
        }
        metrics.limitHit(LimitHit.SUBSCRIPTIONS);
        AUDIT_LOG.warn("limit: client '{}' from {}: subscription refused, it holds {} subscriptions already",
                clientId, remoteHost(), maxSubscriptions);
        return true;
    }

    private void deliverRetained(Subscription subscription) {
        List<UnsMessage> matching = retained.matching(subscription.filter());
        if (subscription.noLocal()) {
            matching.removeIf(message -> clientId.equals(message.origin().clientId()));
        }
        if (!matching.isEmpty()) {
            session.replayRetained(matching, subscription); // this loop is the session's home
        }
    }

    private void onUnsubscribe(MqttUnsubscribeMessage unsubscribe) {
        int packetId = unsubscribe.idAndPropertiesVariableHeader().messageId();
        List<String> filters = unsubscribe.payload().topics();
        short[] codes = new short[filters.size()];
        StoreBatch stored = null;
        for (int i = 0; i < codes.length; i++) {
            String filter = filters.get(i);
            boolean removed = session.subscriptions().remove(filter) != null;
            if (removed) {
                tree.remove(session, filter);
                if (persistentSession()) {
                    stored = stored == null ? new StoreBatch() : stored;
                    stored.removeSubscription(clientId, filter);
                }
            }
            codes[i] = (short) (removed ? ReasonCodes.SUCCESS : ReasonCodes.NO_SUBSCRIPTION_EXISTED);
        }
        MqttUnsubAckMessage unsubAck = new MqttUnsubAckMessage(
                new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                protocolLevel == 5 ? new MqttUnsubAckPayload(codes) : new MqttUnsubAckPayload());
        afterCommit(stored == null ? null : store.commit(stored), () -> {
            ctx.write(unsubAck, ctx.voidPromise());
            flushNeeded = true;
        }, null);
    }

    // ------------------------------------------------------------------ DISCONNECT

    private void onDisconnect(MqttMessage disconnect) {
        int reason = ReasonCodes.SUCCESS;
        if (protocolLevel == 5 && disconnect.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
            reason = header.reasonCode() & 0xFF;
            long newExpiry = MqttProperties5.unsignedInt(header.properties(), MqttPropertyType.SESSION_EXPIRY_INTERVAL, -1);
            if (newExpiry >= 0) {
                if (sessionExpiry == 0 && newExpiry != 0) {
                    protocolError(ReasonCodes.PROTOCOL_ERROR,
                            "session expiry set on DISCONNECT after 0 on CONNECT [MQTT-3.14.2-2]");
                    return;
                }
                sessionExpiry = Math.min(newExpiry, config.maxSessionExpirySeconds());
                session.updateExpiry(sessionExpiry);
            }
        }
        // A normal DISCONNECT discards the will [MQTT-3.14.4-3]; 0x04 asks for it to be published.
        publishWillOnClose = reason == ReasonCodes.DISCONNECT_WITH_WILL;
        closeReason = reason == ReasonCodes.SUCCESS ? "client disconnected" : "client disconnected with 0x"
                + Integer.toHexString(reason);
        ctx.close();
    }

    private void protocolError(int reasonCode, String reason) {
        metrics.packetRejected(reasonCode);
        disconnect(reasonCode, reason);
    }

    // ------------------------------------------------------------------ ClientChannel

    @Override
    public void disconnect(int reasonCode, String reason) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> disconnect(reasonCode, reason));
            return;
        }
        if (state == State.CLOSED || !ctx.channel().isActive()) {
            return;
        }
        closeReason = reason;
        if (protocolLevel == 5 && state == State.CONNECTED) {
            MqttProperties properties = MqttProperties.NO_PROPERTIES;
            if (problemInformation && reason != null) {
                properties = new MqttProperties();
                properties.add(new StringProperty(MqttPropertyType.REASON_STRING.value(), reason));
            }
            MqttMessage disconnect = MqttMessageBuilders.disconnect()
                    .reasonCode((byte) reasonCode)
                    .properties(properties)
                    .build();
            ctx.writeAndFlush(disconnect).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.flush();
            ctx.close();
        }
    }

    @Override
    public void takenOver(boolean sessionContinues) {
        // Runs on this connection's loop (the session's home). When the new connection continues the session,
        // it arrived before any will delay passed, so only a will without delay goes out; when the session
        // ends here, the will goes out now [MQTT-3.1.3-9].
        if (will != null && (!sessionContinues || will.delaySeconds() == 0)) {
            sessions.publishWill(clientId, will);
        }
        publishWillOnClose = false;
        disconnect(ReasonCodes.SESSION_TAKEN_OVER, "session taken over by a new connection");
        State previous = state;
        state = State.CLOSED;
        if (previous == State.CONNECTED) {
            events.disconnected(this, "session taken over");
        }
    }

    @Override
    public boolean writePublish(Delivery delivery, int packetId, boolean dup) {
        UnsMessage message = delivery.message();
        String topic = message.topic();
        int qos = delivery.qos();
        byte[] payload = message.payload();
        boolean retain = delivery.retain();
        if (outboundRewriter != OutboundRewriter.NONE && outboundRewriter.covers(topic)) {
            payload = outboundRewriter.payload(topic, payload, System.currentTimeMillis());
            retain |= message.retain() && outboundRewriter.keepsRetainFlag(topic);
        }
        MqttProperties properties = MqttProperties.NO_PROPERTIES;
        int propertiesLength = 0;
        Integer alias = null;
        boolean newAlias = false;
        if (protocolLevel == 5) {
            MessageProperties mp = message.properties();
            int[] subscriptionIds = delivery.subscriptionIds();
            if (mp != MessageProperties.NONE || subscriptionIds != null || outboundAliases != null) {
                properties = new MqttProperties();
                propertiesLength = addMessageProperties(properties, message, mp);
                if (subscriptionIds != null) {
                    for (int id : subscriptionIds) {
                        properties.add(new IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), id));
                        propertiesLength += 1 + varIntLength(id);
                    }
                }
                if (outboundAliases != null) {
                    alias = outboundAliases.get(topic);
                    if (alias == null && outboundAliases.size() < clientTopicAliasMaximum) {
                        alias = outboundAliases.size() + 1;
                        newAlias = true;
                    }
                    if (alias != null) {
                        properties.add(new IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), alias));
                        propertiesLength += 3;
                    }
                }
            }
        }
        if (clientMaxPacketSize != UNLIMITED) {
            int topicBytes = (alias != null && !newAlias) ? 0 : ByteBufUtil.utf8Bytes(topic);
            long remaining = 2L + topicBytes + (qos > 0 ? 2 : 0) + payload.length
                    + (protocolLevel == 5 ? varIntLength(propertiesLength) + propertiesLength : 0);
            long packetSize = 1 + varIntLength((int) Math.min(remaining, Integer.MAX_VALUE)) + remaining;
            if (packetSize > clientMaxPacketSize) {
                metrics.dropped(BrokerMetrics.DropReason.TOO_LARGE_FOR_CLIENT);
                return false;
            }
        }
        if (newAlias) {
            outboundAliases.put(topic, alias);
        }
        String wireTopic = (alias != null && !newAlias) ? "" : topic;
        MqttPublishMessage publish = new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0),
                new MqttPublishVariableHeader(wireTopic, packetId, properties),
                Unpooled.wrappedBuffer(payload)); // the write releases it (and with it nothing: an unpooled heap wrapper)
        ctx.write(publish, ctx.voidPromise());
        metrics.messageOut(qos, payload.length);
        return true;
    }

    private static int addMessageProperties(MqttProperties properties, UnsMessage message, MessageProperties mp) {
        if (mp == MessageProperties.NONE) {
            return 0;
        }
        int length = 0;
        if (mp.utf8Payload()) {
            properties.add(new IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
            length += 2;
        }
        if (mp.expires()) {
            // The expiry a subscriber sees is what is left of it [MQTT-3.3.2-6].
            long left = Math.max(1, message.remainingExpirySeconds(System.nanoTime()));
            properties.add(new IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), (int) left));
            length += 5;
        }
        if (mp.contentType() != null) {
            properties.add(new StringProperty(MqttPropertyType.CONTENT_TYPE.value(), mp.contentType()));
            length += 3 + ByteBufUtil.utf8Bytes(mp.contentType());
        }
        if (mp.responseTopic() != null) {
            properties.add(new StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), mp.responseTopic()));
            length += 3 + ByteBufUtil.utf8Bytes(mp.responseTopic());
        }
        if (mp.correlationData() != null) {
            properties.add(new BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(), mp.correlationData()));
            length += 3 + mp.correlationData().length;
        }
        for (UserProperty user : mp.userProperties()) {
            properties.add(new MqttProperties.UserProperty(user.name(), user.value()));
            length += 5 + ByteBufUtil.utf8Bytes(user.name()) + ByteBufUtil.utf8Bytes(user.value());
        }
        return length;
    }

    private static int varIntLength(int value) {
        if (value < 128) {
            return 1;
        }
        if (value < 16_384) {
            return 2;
        }
        if (value < 2_097_152) {
            return 3;
        }
        return 4;
    }

    @Override
    public void writePubRel(int packetId) {
        writePubReply(MqttMessageType.PUBREL, packetId, ReasonCodes.SUCCESS, null);
    }

    private void writePubReply(MqttMessageType type, int packetId, int reasonCode, String reason) {
        MqttFixedHeader fixed = new MqttFixedHeader(type, false,
                type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE, false, 0);
        MqttMessageIdVariableHeader header;
        if (protocolLevel == 5) {
            MqttProperties properties = MqttProperties.NO_PROPERTIES;
            if (reason != null && problemInformation) {
                properties = new MqttProperties();
                properties.add(new StringProperty(MqttPropertyType.REASON_STRING.value(), reason));
            }
            header = new MqttPubReplyMessageVariableHeader(packetId, (byte) reasonCode, properties);
        } else {
            header = MqttMessageIdVariableHeader.from(packetId);
        }
        ctx.write(new MqttMessage(fixed, header), ctx.voidPromise());
        flushNeeded = true;
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    /** The client's receive maximum, lowered to the broker's outbound in-flight cap when one is set. */
    @Override
    public int receiveMaximum() {
        int cap = config.limits().maxInflightOut();
        return cap > 0 ? Math.min(clientReceiveMaximum, cap) : clientReceiveMaximum;
    }
}
