package io.unshub.broker.handler;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttProperties.UserProperty;
import io.unshub.core.message.MessageProperties;

import java.util.ArrayList;
import java.util.List;

/** Reads typed values out of Netty's {@link MqttProperties}, and maps message properties both ways. */
final class MqttProperties5 {

    private MqttProperties5() {
    }

    static Integer integer(MqttProperties properties, MqttPropertyType type) {
        MqttProperty<?> property = properties.getProperty(type.value());
        return property instanceof IntegerProperty p ? p.value() : null;
    }

    static long unsignedInt(MqttProperties properties, MqttPropertyType type, long absent) {
        Integer value = integer(properties, type);
        return value == null ? absent : value & 0xFFFF_FFFFL;
    }

    static int intOr(MqttProperties properties, MqttPropertyType type, int absent) {
        Integer value = integer(properties, type);
        return value == null ? absent : value;
    }

    static String string(MqttProperties properties, MqttPropertyType type) {
        MqttProperty<?> property = properties.getProperty(type.value());
        return property instanceof StringProperty p ? p.value() : null;
    }

    static byte[] binary(MqttProperties properties, MqttPropertyType type) {
        MqttProperty<?> property = properties.getProperty(type.value());
        return property instanceof BinaryProperty p ? p.value() : null;
    }

    /** The user properties of any packet, in wire order; an empty list when there are none. */
    static List<io.unshub.core.message.UserProperty> userProperties(MqttProperties properties) {
        List<? extends MqttProperty> userProperties = properties.getProperties(MqttPropertyType.USER_PROPERTY.value());
        if (userProperties.isEmpty()) {
            return List.of();
        }
        List<io.unshub.core.message.UserProperty> user = new ArrayList<>(userProperties.size());
        for (MqttProperty<?> property : userProperties) {
            MqttProperties.StringPair pair = ((UserProperty) property).value();
            user.add(new io.unshub.core.message.UserProperty(pair.key, pair.value));
        }
        return user;
    }

    /** The application-message properties of a PUBLISH or will, in wire order for user properties. */
    static MessageProperties toMessageProperties(MqttProperties properties) {
        if (properties.isEmpty()) {
            return MessageProperties.NONE;
        }
        List<io.unshub.core.message.UserProperty> user = userProperties(properties);
        boolean utf8 = intOr(properties, MqttPropertyType.PAYLOAD_FORMAT_INDICATOR, 0) == 1;
        long expiry = unsignedInt(properties, MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL, MessageProperties.NO_EXPIRY);
        String contentType = string(properties, MqttPropertyType.CONTENT_TYPE);
        String responseTopic = string(properties, MqttPropertyType.RESPONSE_TOPIC);
        byte[] correlation = binary(properties, MqttPropertyType.CORRELATION_DATA);
        if (!utf8 && expiry == MessageProperties.NO_EXPIRY && contentType == null && responseTopic == null
                && correlation == null && user.isEmpty()) {
            return MessageProperties.NONE;
        }
        return new MessageProperties(utf8, expiry, contentType, responseTopic, correlation, user);
    }
}
