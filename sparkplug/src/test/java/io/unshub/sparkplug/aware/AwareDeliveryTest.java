package io.unshub.sparkplug.aware;

import io.unshub.sparkplug.codec.DecodeResult;
import io.unshub.sparkplug.codec.PayloadTimestamp;
import io.unshub.sparkplug.codec.SparkplugDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.Metric.MetricBuilder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.PropertySet;
import org.eclipse.tahu.message.model.PropertyValue;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder;
import org.eclipse.tahu.util.CompressionAlgorithm;
import org.eclipse.tahu.util.PayloadUtil;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Digest §5.2 point 4 (tck-id-conformance-mqtt-aware-ndeath-timestamp) on payloads written by Eclipse Tahu: the
 * NDEATH timestamp becomes the delivery time, the rest stays byte for byte, compressed NDEATHs are stamped inside,
 * undecodable ones pass unchanged and are counted; point 2: only certificates keep RETAIN on live deliveries.
 */
class AwareDeliveryTest {

    private static final String NDEATH = "spBv1.0/G1/NDEATH/E1";
    private static final long NOW = 1_763_800_000_123L;

    private final SparkplugBPayloadEncoder encoder = new SparkplugBPayloadEncoder();

    private byte[] tahuNdeath(Date timestamp) throws Exception {
        PropertySet props = new PropertySet.PropertySetBuilder()
                .addProperty("note", new PropertyValue(PropertyDataType.String, "kept")).createPropertySet();
        Metric bdSeq = new MetricBuilder("bdSeq", MetricDataType.Int64, 7L).properties(props).createMetric();
        return encoder.getBytes(new SparkplugBPayloadBuilder().setTimestamp(timestamp).addMetric(bdSeq)
                .createPayload(), false);
    }

    private static SparkplugBPayload tahu(byte[] bytes) throws Exception {
        return new SparkplugBPayloadDecoder().buildFromByteArray(bytes, null);
    }

    @Test
    @DisplayName("A will without a timestamp gets the delivery time; bdSeq and its properties are untouched")
    void willWithoutTimestampIsStamped() throws Exception {
        AwareDelivery aware = new AwareDelivery(true);
        byte[] original = tahuNdeath(null);
        assertThat(tahu(original).getTimestamp()).isNull();

        byte[] delivered = aware.payload(NDEATH, original, NOW);

        SparkplugBPayload decoded = tahu(delivered);
        assertThat(decoded.getTimestamp()).isEqualTo(new Date(NOW));
        assertThat(decoded.getSeq()).as("an NDEATH has no seq, and gets none").isNull();
        assertThat(decoded.getMetrics()).singleElement().satisfies(m -> {
            assertThat(m.getName()).isEqualTo("bdSeq");
            assertThat(m.getValue()).isEqualTo(7L);
            assertThat(m.getProperties().getPropertyValue("note").getValue()).isEqualTo("kept");
        });
        assertThat(aware.stamped()).isEqualTo(1);
        assertThat(tahu(original).getTimestamp()).as("the message's own bytes are never changed").isNull();
    }

    @Test
    @DisplayName("Only field 1 changes: stamping back the original timestamp gives the original bytes")
    void everythingButTheTimestampIsByteExact() throws Exception {
        byte[] original = tahuNdeath(new Date(1_700_000_000_000L));
        PayloadTimestamp timestamps = new PayloadTimestamp();

        byte[] stamped = timestamps.replace(original, NOW);
        assertThat(stamped).isNotEqualTo(original);
        assertThat(tahu(stamped).getTimestamp()).isEqualTo(new Date(NOW));
        assertThat(timestamps.replace(stamped, 1_700_000_000_000L)).isEqualTo(original);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionAlgorithm.class, names = {"DEFLATE", "GZIP"})
    @DisplayName("A compressed NDEATH is stamped inside (and outside); the wrapper stays a wrapper with its algorithm")
    void compressedNdeathIsStampedInside(CompressionAlgorithm algorithm) throws Exception {
        SparkplugBPayload inner = tahu(tahuNdeath(new Date(1_700_000_000_000L)));
        byte[] original = encoder.getBytes(PayloadUtil.compress(inner, algorithm, false), false);

        byte[] delivered = new AwareDelivery(true).payload(NDEATH, original, NOW);

        SparkplugBPayload outer = tahu(delivered);
        assertThat(outer.getUuid()).isEqualTo(PayloadUtil.UUID_COMPRESSED);
        assertThat(outer.getTimestamp()).isEqualTo(new Date(NOW));
        SparkplugBPayload decompressed = PayloadUtil.decompress(outer, null);
        assertThat(decompressed.getTimestamp()).isEqualTo(new Date(NOW));
        assertThat(decompressed.getMetrics()).extracting(Metric::getName, Metric::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("bdSeq", 7L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "DEFLATE", "GZIP"})
    @DisplayName("One message to many subscribers is analysed once; each delivery still gets its own time")
    void oneMessageIsPreparedOnceAndStampedPerDelivery(String compression) throws Exception {
        byte[] plain = tahuNdeath(new Date(1_700_000_000_000L));
        byte[] original = compression.equals("none") ? plain : encoder.getBytes(
                PayloadUtil.compress(tahu(plain), CompressionAlgorithm.valueOf(compression), false), false);
        AwareDelivery aware = new AwareDelivery(true);
        SparkplugDecoder hubDecoder = new SparkplugDecoder();

        for (int subscriber = 0; subscriber < 50; subscriber++) {
            long now = NOW + subscriber * 1_000_003L; // varints of different lengths, too
            byte[] delivered = aware.payload(NDEATH, original, now);
            SparkplugBPayload viaTahu = compression.equals("none") ? tahu(delivered)
                    : PayloadUtil.decompress(tahu(delivered), null);
            assertThat(viaTahu.getTimestamp()).isEqualTo(new Date(now));
            assertThat(viaTahu.getMetrics()).extracting(Metric::getName, Metric::getValue)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("bdSeq", 7L));
            assertThat(hubDecoder.decode(delivered)).isInstanceOfSatisfying(DecodeResult.Decoded.class,
                    d -> assertThat(d.payload().timestamp()).isEqualTo(now));
        }
        assertThat(aware.stamped()).isEqualTo(50);
        assertThat(aware.preparations()).as("decoded, inflated and compressed once, not per subscriber").isEqualTo(1);

        aware.payload(NDEATH, original.clone(), NOW);
        assertThat(aware.preparations()).as("another message with equal bytes is another message").isEqualTo(2);
    }

    @Test
    @DisplayName("An NDEATH above the size cap is delivered as published and counted, not decoded")
    void oversizedNdeathIsNotStamped() throws Exception {
        byte[] big = encoder.getBytes(new SparkplugBPayloadBuilder().setTimestamp(new Date(1_700_000_000_000L))
                .addMetric(new MetricBuilder("bdSeq", MetricDataType.Int64, 7L).createMetric())
                .addMetric(new MetricBuilder("filler", MetricDataType.String, "x".repeat(AwareDelivery.MAX_PAYLOAD_BYTES))
                        .createMetric())
                .createPayload(), false);
        AwareDelivery aware = new AwareDelivery(true);
        assertThat(aware.payload(NDEATH, big, NOW)).isSameAs(big);
        assertThat(aware.unstamped()).isEqualTo(1);
        assertThat(aware.stamped()).isZero();
        assertThat(aware.preparations()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = CompressionAlgorithm.class, names = {"DEFLATE", "GZIP"})
    @DisplayName("A small compressed NDEATH that inflates beyond the inflated cap is delivered as published, once analysed")
    void compressedNdeathInflatingBeyondTheCapIsNotStamped(CompressionAlgorithm algorithm) throws Exception {
        SparkplugBPayload inner = new SparkplugBPayloadBuilder().setTimestamp(new Date(1_700_000_000_000L))
                .addMetric(new MetricBuilder("filler", MetricDataType.String,
                        "0".repeat(AwareDelivery.MAX_INFLATED_BYTES + 1)).createMetric()).createPayload();
        byte[] bomb = encoder.getBytes(PayloadUtil.compress(inner, algorithm, false), false);
        assertThat(bomb.length).isLessThan(AwareDelivery.MAX_PAYLOAD_BYTES);
        AwareDelivery aware = new AwareDelivery(true);
        for (int subscriber = 0; subscriber < 3; subscriber++) {
            assertThat(aware.payload(NDEATH, bomb, NOW)).isSameAs(bomb);
        }
        assertThat(aware.unstamped()).isEqualTo(3);
        assertThat(aware.stamped()).isZero();
        assertThat(aware.preparations()).isEqualTo(1);
    }

    @Test
    @DisplayName("An NDEATH that does not decode is delivered unchanged (the same bytes) and counted, never dropped")
    void malformedNdeathPassesUnchanged() {
        AwareDelivery aware = new AwareDelivery(true);
        byte[] garbage = {(byte) 0xFF, 0x01, 0x02};
        assertThat(aware.payload(NDEATH, garbage, NOW)).isSameAs(garbage);
        assertThat(aware.unstamped()).isEqualTo(1);
        assertThat(aware.stamped()).isZero();
    }

    @Test
    @DisplayName("Stamping off, or any other topic: the payload is delivered as published")
    void otherTopicsAndStampingOff() throws Exception {
        byte[] original = tahuNdeath(new Date(1_700_000_000_000L));
        AwareDelivery off = new AwareDelivery(false);
        assertThat(off.covers(NDEATH)).isFalse();
        assertThat(off.payload(NDEATH, original, NOW)).isSameAs(original);
        AwareDelivery on = new AwareDelivery(true);
        for (String topic : new String[] {"spBv1.0/G1/DDEATH/E1/D1", "spBv1.0/G1/NBIRTH/E1", "spBv1.0/G1/NDEATH/E1/D1",
                "spBv1.0/G1/NDEATH/", "spBv1.0//NDEATH/E1", "spBv1.0/STATE/host", "acme/G1/NDEATH/E1"}) {
            assertThat(on.covers(topic)).as(topic).isFalse();
            assertThat(on.payload(topic, original, NOW)).as(topic).isSameAs(original);
        }
        assertThat(on.covers(NDEATH)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"$sparkplug/certificates/spBv1.0/G1/NBIRTH/E1", "$sparkplug/certificates/spBv1.0/G1/DBIRTH/E1/D1"})
    @DisplayName("Certificates keep RETAIN on live deliveries whether or not NDEATHs are stamped")
    void certificatesKeepTheRetainFlag(String topic) {
        for (boolean stamp : new boolean[] {true, false}) {
            AwareDelivery aware = new AwareDelivery(stamp);
            assertThat(aware.covers(topic)).isTrue();
            assertThat(aware.keepsRetainFlag(topic)).isTrue();
        }
        assertThat(new AwareDelivery(true).keepsRetainFlag("spBv1.0/G1/NBIRTH/E1")).isFalse();
    }
}
