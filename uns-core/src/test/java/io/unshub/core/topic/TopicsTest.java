package io.unshub.core.topic;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Syntax of topic names and filters (MQTT 5 sections 4.7.1, 4.7.3, 4.8.2). */
class TopicsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b", "/", "a//b", "$SYS/x", "acme/dallas/press/line1/_edge/temp"})
    void validTopicNames(String topic) {
        assertThat(Topics.validateTopicName(topic)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/+", "a/#", "+", "a\u0000b"})
    void invalidTopicNames(String topic) {
        assertThat(Topics.validateTopicName(topic)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "a/#", "a/+/b", "+/+", "/+", "$share/g/a/#", "$share/g/#", "$SYS/#"})
    void validFilters(String filter) {
        assertThat(Topics.validateFilter(filter)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a#", "a/#/b", "a+", "a/b+", "+a", "#/", "$share/", "$share/g", "$share//a",
            "$share/g+/a", "$share/g/", "a\u0000"})
    void invalidFilters(String filter) {
        assertThat(Topics.validateFilter(filter)).isNotNull(); // [MQTT-4.7.1-1], [MQTT-4.7.1-2], [MQTT-4.8.2-2]
    }

    @org.junit.jupiter.api.Test
    void levelsAreCapped() {
        String deepest = "a" + "/a".repeat(Topics.MAX_LEVELS - 1);
        assertThat(Topics.validateTopicName(deepest)).isNull();
        assertThat(Topics.validateTopicName(deepest + "/a")).contains("levels");
        assertThat(Topics.validateFilter("+" + "/+".repeat(Topics.MAX_LEVELS - 1))).isNull();
        assertThat(Topics.validateFilter("+" + "/+".repeat(Topics.MAX_LEVELS))).contains("levels");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$share/group/a/+/c"})
    void sharedFilterParts(String filter) {
        assertThat(Topics.isShared(filter)).isTrue();
        assertThat(Topics.shareGroup(filter)).isEqualTo("group");
        assertThat(Topics.matchingFilter(filter)).isEqualTo("a/+/c");
    }
}
