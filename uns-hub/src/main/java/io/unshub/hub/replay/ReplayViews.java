package io.unshub.hub.replay;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What the replay REST resources take and answer. */
final class ReplayViews {

    private ReplayViews() {
    }

    /**
     * The body of {@code POST /api/v1/replays}. Times are epoch ms or ISO-8601; {@code to} defaults to now and
     * {@code speed} to 1 (original pacing).
     */
    record Create(String filter, String from, String to, String speed) {
    }

    /**
     * An MQTT replay session.
     *
     * @param state          waiting (for a subscriber), running, completed, cancelled, failed or expired
     * @param topic_prefix   where its messages arrive: {@code $replay/<id>/<original topic>}
     * @param replayed       messages published so far
     * @param last_sequence  the sequence number of the last one
     * @param refused        messages the bus refused (an ACL rule for the component {@code replay})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Session(String id, String state, String filter, long from, long to, double speed, String topic_prefix,
                   long replayed, Long last_sequence, long refused, long created_at, String detail) {
    }
}
