package io.unshub.historian.store;

import io.unshub.core.message.UserProperty;

import java.util.List;

/** The raw log's columns as readers select them, by position in {@link #SELECT}. */
public final class RawColumns {

    public static final String SELECT = "ts, seq, topic, payload, qos, retain, utf8, expiry, content_type, "
            + "response_topic, correlation, user_props, publisher";
    public static final int TS = 0;
    public static final int SEQ = 1;
    public static final int TOPIC = 2;
    public static final int PAYLOAD = 3;
    public static final int QOS = 4;
    public static final int RETAIN = 5;
    public static final int UTF8 = 6;
    public static final int EXPIRY = 7;
    public static final int CONTENT_TYPE = 8;
    public static final int RESPONSE_TOPIC = 9;
    public static final int CORRELATION = 10;
    public static final int USER_PROPS = 11;
    public static final int PUBLISHER = 12;

    private RawColumns() {
    }

    public static List<UserProperty> userProperties(String column) {
        return UserPropertiesCodec.decode(column);
    }
}
