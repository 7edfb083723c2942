package io.unshub.hub.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.unshub.broker.Broker;
import io.unshub.broker.metrics.BrokerMetrics;
import io.unshub.broker.session.Session;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Exposes the broker's counters to Prometheus ({@code /q/metrics}), read when scraped. */
@Singleton
public class BrokerMeterBinder implements MeterBinder {

    /** Reason codes a connection can be closed with for a bad packet, labelled in the metric. */
    private static final int[] REJECT_REASONS = {0x81, 0x82, 0x84, 0x85, 0x86, 0x87, 0x89, 0x8C, 0x8D, 0x8F, 0x90, 0x93,
            0x94, 0x95, 0x97, 0x99};

    @Inject
    Broker broker;

    @Override
    public void bindTo(MeterRegistry registry) {
        BrokerMetrics m = broker.metrics();
        Gauge.builder("uns_mqtt_connections", m, BrokerMetrics::connectionsCurrent)
                .description("Open MQTT network connections").register(registry);
        FunctionCounter.builder("uns_mqtt_connections_opened", m, BrokerMetrics::connectionsTotal)
                .description("MQTT connections accepted since start").register(registry);
        for (int qos = 0; qos <= 2; qos++) {
            int q = qos;
            FunctionCounter.builder("uns_mqtt_messages", m, x -> x.messagesIn(q))
                    .tags("direction", "in", "qos", Integer.toString(q))
                    .description("PUBLISH packets received from clients").register(registry);
            FunctionCounter.builder("uns_mqtt_messages", m, x -> x.messagesOut(q))
                    .tags("direction", "out", "qos", Integer.toString(q))
                    .description("PUBLISH packets sent to clients").register(registry);
            FunctionCounter.builder("uns_mqtt_payload_bytes", m, x -> x.payloadBytesIn(q))
                    .tags("direction", "in", "qos", Integer.toString(q))
                    .description("Payload bytes of PUBLISH packets received from clients").register(registry);
            FunctionCounter.builder("uns_mqtt_payload_bytes", m, x -> x.payloadBytesOut(q))
                    .tags("direction", "out", "qos", Integer.toString(q))
                    .description("Payload bytes of PUBLISH packets sent to clients").register(registry);
        }
        FunctionCounter.builder("uns_mqtt_bytes", m, BrokerMetrics::bytesIn).tags("direction", "in")
                .description("Bytes read from MQTT connections").register(registry);
        FunctionCounter.builder("uns_mqtt_bytes", m, BrokerMetrics::bytesOut).tags("direction", "out")
                .description("Bytes written to MQTT connections").register(registry);
        FunctionCounter.builder("uns_mqtt_publishes_rejected", m, BrokerMetrics::publishesRejected)
                .description("Publishes refused by the publish funnel").register(registry);
        for (BrokerMetrics.DropReason reason : BrokerMetrics.DropReason.values()) {
            FunctionCounter.builder("uns_mqtt_dropped_messages", m, x -> x.droppedCount(reason))
                    .tags("reason", reason.name().toLowerCase())
                    .description("Messages not delivered to a subscriber, by reason").register(registry);
        }
        for (int code : REJECT_REASONS) {
            FunctionCounter.builder("uns_mqtt_rejected_packets", m, x -> x.packetsRejected(code))
                    .tags("reason_code", String.format("0x%02X", code))
                    .description("Connections closed or refused for a bad packet, by MQTT 5 reason code")
                    .register(registry);
        }
        for (BrokerMetrics.LimitHit limit : BrokerMetrics.LimitHit.values()) {
            FunctionCounter.builder("uns_mqtt_limit_hits", m, x -> x.limitHits(limit))
                    .tags("limit", limit.name().toLowerCase())
                    .description("Connections closed and messages refused by a configured limit").register(registry);
        }
        FunctionCounter.builder("uns_mqtt_tls_handshake_failures", m, BrokerMetrics::tlsHandshakeFailures)
                .description("TLS handshakes that failed (untrusted, expired or missing client certificates ...)")
                .register(registry);
        FunctionCounter.builder("uns_mqtt_tls_reload_failures", m, BrokerMetrics::tlsReloadFailures)
                .description("Certificate reloads that failed; the previous certificate stays in use").register(registry);
        Gauge.builder("uns_mqtt_sessions", broker, b -> b.sessions().size())
                .description("Sessions, connected or waiting for their client").register(registry);
        Gauge.builder("uns_mqtt_subscriptions", broker, b -> b.subscriptions().subscriptionCount())
                .description("Subscriptions in the subscription tree").register(registry);
        Gauge.builder("uns_mqtt_retained_messages", broker, b -> b.retained().size())
                .description("Retained messages").register(registry);
        Gauge.builder("uns_mqtt_queued_messages", broker, BrokerMeterBinder::queued)
                .description("Messages queued in sessions, beyond the in-flight windows").register(registry);
        Gauge.builder("uns_mqtt_inflight_messages", broker, BrokerMeterBinder::inflight)
                .description("QoS 1/2 messages sent and not yet acknowledged").register(registry);
    }

    private static double queued(Broker broker) {
        long total = 0;
        for (Session session : broker.allSessions()) {
            total += session.queuedCount();
        }
        return total;
    }

    private static double inflight(Broker broker) {
        long total = 0;
        for (Session session : broker.allSessions()) {
            total += session.inflightCount();
        }
        return total;
    }
}
