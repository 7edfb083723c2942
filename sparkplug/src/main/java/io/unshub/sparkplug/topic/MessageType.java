package io.unshub.sparkplug.topic;

/** The Sparkplug B 3.0 verbs of {@code spBv1.0/<group>/<verb>/<node>[/<device>]} topics (STATE is separate). */
public enum MessageType {
    NBIRTH(false), NDEATH(false), NDATA(false), NCMD(false),
    DBIRTH(true), DDEATH(true), DDATA(true), DCMD(true);

    private final boolean deviceLevel;

    MessageType(boolean deviceLevel) {
        this.deviceLevel = deviceLevel;
    }

    /** DBIRTH, DDEATH, DDATA, DCMD: the topic has a device id level. */
    public boolean isDeviceLevel() {
        return deviceLevel;
    }

    public boolean isBirth() {
        return this == NBIRTH || this == DBIRTH;
    }

    public boolean isDeath() {
        return this == NDEATH || this == DDEATH;
    }

    public boolean isData() {
        return this == NDATA || this == DDATA;
    }

    /** NCMD, DCMD: sent by hosts, never edge data (digest P20). */
    public boolean isCommand() {
        return this == NCMD || this == DCMD;
    }

    /** The verb for this token, or {@code null} for anything 3.0 does not define (e.g. Sparkplug 4's NMETA). */
    public static MessageType ofToken(String token) {
        return switch (token) {
            case "NBIRTH" -> NBIRTH;
            case "NDEATH" -> NDEATH;
            case "NDATA" -> NDATA;
            case "NCMD" -> NCMD;
            case "DBIRTH" -> DBIRTH;
            case "DDEATH" -> DDEATH;
            case "DDATA" -> DDATA;
            case "DCMD" -> DCMD;
            default -> null;
        };
    }
}
