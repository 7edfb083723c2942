package io.unshub.hub.replay;

import io.unshub.broker.handler.SubscriptionHook;
import io.unshub.broker.handler.SubscriptionOutlet;
import io.unshub.broker.security.acl.AclGuard;
import io.unshub.core.log.RateLimitedLog;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UserProperty;
import io.unshub.historian.replay.ReplayEngine;
import io.unshub.historian.replay.ReplayLimitException;
import io.unshub.historian.replay.ReplayRequest;
import io.unshub.historian.replay.ReplayRun;
import io.unshub.historian.replay.ReplayedMessage;
import io.unshub.historian.replay.TimeArgument;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Replay's part in SUBSCRIBE. Two kinds of filters concern it:
 * <ul>
 *   <li>{@code $replay/<filter>} with a {@code replay-from} user property (MQTT 5): a replay of {@code <filter>}
 *       to this subscriber alone, on {@code $replay/<original topic>}. The subscriber needs subscribe rights on
 *       the original filter (the ACL is asked again here; the broker already checked the {@code $replay/} filter).</li>
 *   <li>{@code $replay/<id>/...} naming a REST replay session: the subscriber needs subscribe rights on the
 *       session's filter; its first subscriber starts the session.</li>
 * </ul>
 * Everything else is an ordinary subscription.
 *
 * <p>Runs on broker event loops and decides without blocking; the replays themselves run on the engine's workers.
 */
final class ReplaySubscriptions implements SubscriptionHook {

    static final String FROM = "replay-from";
    static final String TO = "replay-to";
    static final String SPEED = "replay-speed";

    /** SUBACK reason 0x83, implementation specific error: the replay properties are wrong. */
    static final int BAD_REPLAY_PROPERTIES = 0x83;
    static final int NOT_AUTHORIZED = 0x87;
    static final int QUOTA_EXCEEDED = 0x97;

    private static final RateLimitedLog LOG = RateLimitedLog.standard(LoggerFactory.getLogger(ReplaySubscriptions.class));

    private final ReplayEngine engine;
    private final ReplaySessions sessions;
    private final AclGuard acl;
    private final BiConsumer<ReplayRun, BooleanSupplier> watch;

    ReplaySubscriptions(ReplayEngine engine, ReplaySessions sessions, AclGuard acl, BiConsumer<ReplayRun, BooleanSupplier> watch) {
        this.engine = engine;
        this.sessions = sessions;
        this.acl = acl;
        this.watch = watch;
    }

    /** Whether a SUBSCRIBE filter with these user properties asks for a replay ({@code $replay/...} + {@code replay-from}). */
    static boolean asksForReplay(String filter, List<UserProperty> userProperties) {
        return filter.startsWith(ReplayedMessage.TOPIC_PREFIX) && value(userProperties, FROM) != null;
    }

    private static String value(List<UserProperty> userProperties, String name) {
        for (UserProperty property : userProperties) {
            if (property.name().equals(name)) {
                return property.value();
            }
        }
        return null;
    }

    @Override
    public Decision subscribing(Origin subscriber, String filter, List<UserProperty> userProperties) {
        if (!filter.startsWith(ReplayedMessage.TOPIC_PREFIX)) {
            return null;
        }
        if (asksForReplay(filter, userProperties)) {
            return replay(subscriber, filter, userProperties);
        }
        ReplaySession session = sessions.named(filter);
        if (session == null || session.finished()) {
            return null;
        }
        if (acl.check(subscriber, session.request().filter()) != 0) {
            return Decision.refuse(NOT_AUTHORIZED);
        }
        return Decision.serve(session::subscribed);
    }

    private Decision replay(Origin subscriber, String filter, List<UserProperty> userProperties) {
        ReplayRequest request;
        try {
            String original = filter.substring(ReplayedMessage.TOPIC_PREFIX.length());
            String to = value(userProperties, TO);
            request = new ReplayRequest(original, TimeArgument.parse(FROM, value(userProperties, FROM)),
                    to == null ? System.currentTimeMillis() : TimeArgument.parse(TO, to),
                    ReplayRequest.parseSpeed(SPEED, value(userProperties, SPEED), 1), -1);
        } catch (IllegalArgumentException e) {
            LOG.warn("replay subscription refused: client '{}' filter '{}': {}", subscriber.id(), filter, e.getMessage());
            return Decision.refuse(BAD_REPLAY_PROPERTIES);
        }
        if (acl.check(subscriber, request.filter()) != 0) {
            return Decision.refuse(NOT_AUTHORIZED);
        }
        if (engine.active() >= engine.maxActive()) {
            LOG.warn("replay subscription refused: client '{}' filter '{}': {} replays running already",
                    subscriber.id(), filter, engine.maxActive());
            return Decision.refuse(QUOTA_EXCEEDED);
        }
        return Decision.serve(outlet -> start(request, outlet));
    }

    private void start(ReplayRequest request, SubscriptionOutlet outlet) {
        try {
            OutletSink sink = new OutletSink(outlet);
            ReplayRun run = engine.start(request, sink);
            watch.accept(run, () -> !outlet.open());
        } catch (ReplayLimitException e) {
            // Lost a race for the last slot after the SUBACK: the subscription stays, without a replay.
            LOG.warn("replay for client '{}' not started: {}", outlet.clientId(), e.getMessage());
        }
    }
}
