package io.unshub.historian.replay;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.unshub.core.message.MessageProperties;
import io.unshub.core.message.Origin;
import io.unshub.core.message.UnsMessage;
import io.unshub.core.message.UserProperty;
import io.unshub.historian.query.HistoryRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayedMessageTest {

    private static final long RECEIVED = 1_763_800_000_123L;

    /** A Sparkplug B metric as the spec's protobuf defines it: name 1, timestamp 3, datatype 4, is_historical 5, values 10+. */
    private static byte[] metric(String name, boolean historicalField, float value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, name);
        out.writeUInt64(3, RECEIVED);
        out.writeUInt32(4, 9); // Float
        if (historicalField) {
            out.writeBool(5, false);
        }
        out.writeFloat(12, value);
        out.flush();
        return bytes.toByteArray();
    }

    /** Payload: timestamp 1, metrics 2, seq 3, uuid 4. */
    private static byte[] payload(byte[]... metrics) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(1, RECEIVED);
        for (byte[] metric : metrics) {
            out.writeByteArray(2, metric);
        }
        out.writeUInt64(3, 42);
        out.writeString(4, "uuid-1");
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void everySparkplugMetricIsMarkedHistoricalAndEverythingElseKept() throws IOException {
        byte[] original = payload(metric("temp", false, 21.5f), metric("press/°C", true, -3f));
        byte[] marked = SparkplugHistorical.mark(original);

        UnknownFieldSet parsed = UnknownFieldSet.parseFrom(marked);
        assertThat(parsed.getField(1).getVarintList()).containsExactly(RECEIVED);
        assertThat(parsed.getField(3).getVarintList()).containsExactly(42L);
        assertThat(parsed.getField(4).getLengthDelimitedList()).containsExactly(ByteString.copyFromUtf8("uuid-1"));
        List<ByteString> metrics = parsed.getField(2).getLengthDelimitedList();
        assertThat(metrics).hasSize(2);
        String[] names = {"temp", "press/°C"};
        float[] values = {21.5f, -3f};
        for (int i = 0; i < 2; i++) {
            UnknownFieldSet metric = UnknownFieldSet.parseFrom(metrics.get(i));
            assertThat(metric.getField(1).getLengthDelimitedList().get(0).toStringUtf8()).isEqualTo(names[i]);
            List<Long> historical = metric.getField(5).getVarintList();
            assertThat(historical.get(historical.size() - 1)).as("the last is_historical wins in protobuf").isEqualTo(1L);
            assertThat(Float.intBitsToFloat(metric.getField(12).getFixed32List().get(0))).isEqualTo(values[i]);
            assertThat(metric.getField(3).getVarintList()).containsExactly(RECEIVED);
        }
    }

    @Test
    void malformedProtobufIsLeftAlone() {
        assertThat(SparkplugHistorical.mark(new byte[] {0x12, 0x7F, 0x01})).as("length beyond the end").isNull();
        assertThat(SparkplugHistorical.mark(new byte[] {0x12, 0x02, (byte) 0xFF, (byte) 0xFF})).as("bad metric").isNull();
        assertThat(SparkplugHistorical.mark("{\"online\":true}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(SparkplugHistorical.mark(new byte[0])).isEmpty();
    }

    @Test
    void onlySparkplugMessagesWithMetricsAreRewritten() {
        assertThat(SparkplugHistorical.carriesMetrics("spBv1.0/plant/DDATA/edge1/dev1")).isTrue();
        assertThat(SparkplugHistorical.carriesMetrics("spBv1.0/plant/NBIRTH/edge1")).isTrue();
        assertThat(SparkplugHistorical.carriesMetrics("spBv1.0/STATE/host1")).isFalse();
        assertThat(SparkplugHistorical.carriesMetrics("acme/plant/_edge/DDATA")).isFalse();
    }

    @Test
    void aReplayedMessageLivesUnderThePrefixNeverRetainedWithItsOriginalTimeAndSequence() throws IOException {
        MessageProperties props = new MessageProperties(true, 30, "application/json", null, null,
                List.of(new UserProperty("site", "dallas")));
        HistoryRecord record = new HistoryRecord(77, RECEIVED, "acme/press/_edge/speed",
                "{\"value\":1}".getBytes(StandardCharsets.UTF_8), 1, true, props, "plc-1");

        UnsMessage message = ReplayedMessage.of(record, "$replay/abc/");
        assertThat(message.topic()).isEqualTo("$replay/abc/acme/press/_edge/speed");
        assertThat(message.retain()).isFalse();
        assertThat(message.qos()).isEqualTo(1);
        assertThat(message.origin()).isEqualTo(Origin.internal("replay"));
        assertThat(message.payload()).isEqualTo(record.payload());
        assertThat(message.properties().utf8Payload()).isTrue();
        assertThat(message.properties().contentType()).isEqualTo("application/json");
        assertThat(message.properties().expires()).isFalse();
        assertThat(message.properties().userProperties()).containsExactly(new UserProperty("site", "dallas"),
                new UserProperty("replay-timestamp", Long.toString(RECEIVED)), new UserProperty("replay-sequence", "77"));

        HistoryRecord sparkplug = new HistoryRecord(78, RECEIVED, "spBv1.0/plant/DDATA/edge1/dev1",
                payload(metric("temp", false, 1f)), 0, false, MessageProperties.NONE, "edge1");
        UnsMessage replayed = ReplayedMessage.of(sparkplug, "$replay/");
        UnknownFieldSet metric = UnknownFieldSet.parseFrom(
                UnknownFieldSet.parseFrom(replayed.payload()).getField(2).getLengthDelimitedList().get(0));
        assertThat(metric.getField(5).getVarintList()).containsExactly(1L);
    }
}
