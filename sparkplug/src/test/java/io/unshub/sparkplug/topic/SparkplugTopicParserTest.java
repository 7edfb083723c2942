package io.unshub.sparkplug.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.unshub.sparkplug.topic.SparkplugTopic.EdgeTopic;
import io.unshub.sparkplug.topic.SparkplugTopic.StateTopic;
import io.unshub.sparkplug.topic.SparkplugTopicParser.Result;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Topic rules of digest §1 ({@code tck-id-topic-structure*}), parsed robustly as §1.6 recommends. */
class SparkplugTopicParserTest {

    @Test
    void nodeAndDeviceTopics_tck_id_topic_structure() {
        assertThat(parse("spBv1.0/G1/NBIRTH/E1")).isEqualTo(EdgeTopic.node("G1", MessageType.NBIRTH, "E1"));
        assertThat(parse("spBv1.0/G1/DDATA/E1/D1")).isEqualTo(EdgeTopic.device("G1", MessageType.DDATA, "E1", "D1"));
        assertThat(parse("spBv1.0/My Group/NCMD/edge.1")).isEqualTo(EdgeTopic.node("My Group", MessageType.NCMD, "edge.1"));
    }

    @Test
    void stateTopicIsRecognisedBeforeAGroupId() {
        assertThat(parse("spBv1.0/STATE/scada-1")).isEqualTo(new StateTopic("scada-1"));
    }

    @ParameterizedTest
    @CsvSource({
            "spBv1.0/G/NBIRTH/E/D, NBIRTH topics have 4 levels",
            "spBv1.0/G/DBIRTH/E, DBIRTH topics have 5 levels",
            "spBv1.0/G/NMETA/E, not a Sparkplug B 3.0 verb",
            "spBv1.0//NDATA/E, level 1 is empty",
            "spBv1.0/G/NDATA/, level 3 is empty",
            "spBv1.0/STATE/a/b, STATE topics have exactly 3 levels",
            "spBv1.0/STATE, STATE topics have exactly 3 levels",
            "spBv1.0/G, no message type",
            "spBv1.0/G/NDATA/E/D/x, more than 5 levels",
            "spBv1.0/G/NDATA/+, contains '+'",
            "spBv1.0/G/DDATA/E/#, contains '#'",
            "spBv1.0/STATE/NBIRTH/E, STATE topics have exactly 3 levels"
    })
    void invalidTopicsUnderTheNamespaceSayWhy(String topic, String reason) {
        Result result = SparkplugTopicParser.parse(topic);

        assertThat(result).isInstanceOf(Result.Invalid.class);
        assertThat(((Result.Invalid) result).reason()).contains(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"spAv1.0/G/NDATA/E", "STATE/host", "acme/site/area", "spBv1.0", "SPBV1.0/G/NDATA/E", ""})
    void otherTopicsAreNotSparkplug(String topic) {
        assertThat(SparkplugTopicParser.parse(topic)).isInstanceOf(Result.NotSparkplug.class);
    }

    @Test
    void topicStringsAndCertificateTopics() {
        EdgeTopic birth = EdgeTopic.device("G1", MessageType.DBIRTH, "E1", "D1");

        assertThat(birth.topic()).isEqualTo("spBv1.0/G1/DBIRTH/E1/D1");
        assertThat(birth.certificateTopic()).isEqualTo("$sparkplug/certificates/spBv1.0/G1/DBIRTH/E1/D1");
        assertThat(birth.withType(MessageType.DCMD).topic()).isEqualTo("spBv1.0/G1/DCMD/E1/D1");
        assertThat(birth.withType(MessageType.NCMD).topic()).isEqualTo("spBv1.0/G1/NCMD/E1");
        assertThat(new StateTopic("h").topic()).isEqualTo("spBv1.0/STATE/h");
        assertThatThrownBy(() -> EdgeTopic.node("G", MessageType.NDATA, "E").certificateTopic())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void idsThatCannotBeTopicLevelsAreRefused_tck_id_topic_structure_namespace_valid_ids() {
        assertThatThrownBy(() -> EdgeTopic.node("G+", MessageType.NDATA, "E")).hasMessageContaining("group id");
        assertThatThrownBy(() -> EdgeTopic.node("G", MessageType.NDATA, "E/1")).hasMessageContaining("edge node id");
        assertThatThrownBy(() -> EdgeTopic.node("G", MessageType.DDATA, "E")).hasMessageContaining("device id");
        assertThatThrownBy(() -> new EdgeTopic("G", MessageType.NDATA, "E", "D")).hasMessageContaining("no device id");
        assertThatThrownBy(() -> EdgeTopic.node("STATE", MessageType.NDATA, "E")).hasMessageContaining("STATE");
        assertThatThrownBy(() -> new StateTopic("")).hasMessageContaining("host id");
    }

    @Property(tries = 300)
    void everyValidTopicParsesBackToItself(@ForAll("edgeTopics") EdgeTopic topic) {
        assertThat(SparkplugTopicParser.parse(topic.topic())).isEqualTo(new Result.Parsed(topic));
    }

    @Provide
    Arbitrary<EdgeTopic> edgeTopics() {
        Arbitrary<String> ids = Arbitraries.strings().withCharRange(' ', '~').withChars("äß€").ofMinLength(1).ofMaxLength(8)
                .filter(s -> s.indexOf('/') < 0 && s.indexOf('+') < 0 && s.indexOf('#') < 0 && !s.equals("STATE"));
        return net.jqwik.api.Combinators.combine(ids, Arbitraries.of(MessageType.class), ids, ids)
                .as((group, type, node, device) -> new EdgeTopic(group, type, node, type.isDeviceLevel() ? device : null));
    }

    private static SparkplugTopic parse(String topic) {
        Result result = SparkplugTopicParser.parse(topic);
        assertThat(result).isInstanceOf(Result.Parsed.class);
        return ((Result.Parsed) result).topic();
    }
}
