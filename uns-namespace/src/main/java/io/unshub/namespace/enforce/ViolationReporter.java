package io.unshub.namespace.enforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unshub.core.bus.UnsBus;
import io.unshub.core.log.RateLimitedLog;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.namespace.check.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Tells everyone who needs to know about a violation: a JSON message on
 * {@code $uns/violations/<clientId>} (QoS 0, not retained) and a rate-limited log line. Runs on the
 * publisher's thread, on the reject path only.
 */
public final class ViolationReporter {

    public static final String TOPIC_PREFIX = "$uns/violations/";
    public static final Origin ORIGIN = Origin.internal("namespace");

    private static final Logger LOG = LoggerFactory.getLogger(ViolationReporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RateLimitedLog log = RateLimitedLog.standard(LOG);
    private volatile UnsBus bus;

    /** Connects the reporter to the bus once the broker exists (the bus needs the guard first). */
    public void attach(UnsBus bus) {
        this.bus = bus;
    }

    void report(UnsMessage message, Rule rule, String reason, String revision, boolean publish) {
        Origin origin = message.origin();
        log.warn("namespace violation {} by {} '{}' on '{}': {}", rule.id(),
                origin.kind().name().toLowerCase(Locale.ROOT), origin.id(), message.topic(), reason);
        UnsBus target = bus;
        if (!publish || target == null) {
            return;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("topic", message.topic());
        report.put("clientId", origin.id());
        report.put("origin", origin.kind().name().toLowerCase(Locale.ROOT));
        report.put("rule", rule.id());
        report.put("ruleName", rule.ruleName());
        report.put("reasonCode", rule.reasonCode());
        report.put("reason", reason);
        report.put("qos", message.qos());
        report.put("retain", message.retain());
        report.put("revision", revision);
        report.put("timestamp_ms", message.receivedAtMillis());
        try {
            target.publish(UnsMessage.of(topicFor(origin.id()), JSON.writeValueAsBytes(report), 0, false,
                    MessageProperties.NONE, ORIGIN));
        } catch (JsonProcessingException e) {
            LOG.error("cannot encode a violation report", e);
        }
    }

    /** The report topic for a publisher; characters that would break the topic become '_'. */
    public static String topicFor(String clientId) {
        if (clientId.isEmpty()) {
            return TOPIC_PREFIX + "_";
        }
        StringBuilder topic = new StringBuilder(TOPIC_PREFIX.length() + clientId.length()).append(TOPIC_PREFIX);
        for (int i = 0; i < clientId.length(); i++) {
            char c = clientId.charAt(i);
            topic.append(c == '/' || c == '+' || c == '#' || c == '\u0000' ? '_' : c);
        }
        return topic.toString();
    }
}
