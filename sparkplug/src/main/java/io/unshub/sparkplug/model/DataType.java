package io.unshub.sparkplug.model;

import java.math.BigInteger;

/**
 * The Sparkplug B 3.0 datatypes with their wire codes, and the Java type a decoded value of each type has.
 *
 * <p>Decoded value types (also what {@link io.unshub.sparkplug.codec.SparkplugEncoder} expects):
 * Int8 {@link Byte}, Int16 {@link Short}, Int32 {@link Integer}, Int64 {@link Long}, UInt8 {@link Short},
 * UInt16 {@link Integer}, UInt32 {@link Long}, UInt64 {@link BigInteger}, Float {@link Float}, Double
 * {@link Double}, Boolean {@link Boolean}, String/Text/UUID {@link String}, DateTime {@link Long} (ms since the
 * epoch, UTC), DataSet {@link DataSet}, Bytes and File {@code byte[]} (the file name travels in
 * {@link MetaData#fileName()}), Template {@link Template}, PropertySet {@link PropertySet}, PropertySetList
 * {@code List<PropertySet>}; arrays as primitive arrays of the scalar's type ({@code byte[]}, {@code short[]},
 * {@code int[]}, {@code long[]}, {@code short[]} for UInt8Array, {@code int[]} for UInt16Array, {@code long[]}
 * for UInt32Array, {@code BigInteger[]} for UInt64Array, {@code float[]}, {@code double[]}, {@code boolean[]},
 * {@code String[]}, {@code long[]} ms for DateTimeArray). Arrays handed out by the model must not be mutated.
 */
public enum DataType {
    UNKNOWN(0, "Unknown", Kind.NONE, Object.class),
    INT8(1, "Int8", Kind.SCALAR, Byte.class),
    INT16(2, "Int16", Kind.SCALAR, Short.class),
    INT32(3, "Int32", Kind.SCALAR, Integer.class),
    INT64(4, "Int64", Kind.SCALAR, Long.class),
    UINT8(5, "UInt8", Kind.SCALAR, Short.class),
    UINT16(6, "UInt16", Kind.SCALAR, Integer.class),
    UINT32(7, "UInt32", Kind.SCALAR, Long.class),
    UINT64(8, "UInt64", Kind.SCALAR, BigInteger.class),
    FLOAT(9, "Float", Kind.SCALAR, Float.class),
    DOUBLE(10, "Double", Kind.SCALAR, Double.class),
    BOOLEAN(11, "Boolean", Kind.SCALAR, Boolean.class),
    STRING(12, "String", Kind.SCALAR, String.class),
    DATETIME(13, "DateTime", Kind.SCALAR, Long.class),
    TEXT(14, "Text", Kind.SCALAR, String.class),
    UUID(15, "UUID", Kind.METRIC_ONLY, String.class),
    DATASET(16, "DataSet", Kind.METRIC_ONLY, DataSet.class),
    BYTES(17, "Bytes", Kind.METRIC_ONLY, byte[].class),
    FILE(18, "File", Kind.METRIC_ONLY, byte[].class),
    TEMPLATE(19, "Template", Kind.METRIC_ONLY, Template.class),
    PROPERTY_SET(20, "PropertySet", Kind.PROPERTY_ONLY, PropertySet.class),
    PROPERTY_SET_LIST(21, "PropertySetList", Kind.PROPERTY_ONLY, java.util.List.class),
    INT8_ARRAY(22, "Int8Array", Kind.ARRAY, byte[].class),
    INT16_ARRAY(23, "Int16Array", Kind.ARRAY, short[].class),
    INT32_ARRAY(24, "Int32Array", Kind.ARRAY, int[].class),
    INT64_ARRAY(25, "Int64Array", Kind.ARRAY, long[].class),
    UINT8_ARRAY(26, "UInt8Array", Kind.ARRAY, short[].class),
    UINT16_ARRAY(27, "UInt16Array", Kind.ARRAY, int[].class),
    UINT32_ARRAY(28, "UInt32Array", Kind.ARRAY, long[].class),
    UINT64_ARRAY(29, "UInt64Array", Kind.ARRAY, BigInteger[].class),
    FLOAT_ARRAY(30, "FloatArray", Kind.ARRAY, float[].class),
    DOUBLE_ARRAY(31, "DoubleArray", Kind.ARRAY, double[].class),
    BOOLEAN_ARRAY(32, "BooleanArray", Kind.ARRAY, boolean[].class),
    STRING_ARRAY(33, "StringArray", Kind.ARRAY, String[].class),
    DATETIME_ARRAY(34, "DateTimeArray", Kind.ARRAY, long[].class);

    /** Where a datatype may appear. */
    private enum Kind { NONE, SCALAR, METRIC_ONLY, PROPERTY_ONLY, ARRAY }

    private static final DataType[] BY_CODE = values();

    private final int code;
    private final String sparkplugName;
    private final Kind kind;
    private final Class<?> javaType;

    DataType(int code, String sparkplugName, Kind kind, Class<?> javaType) {
        this.code = code;
        this.sparkplugName = sparkplugName;
        this.kind = kind;
        this.javaType = javaType;
    }

    /** The wire code (Metric.datatype, PropertyValue.type, DataSet.types, Parameter.type). */
    public int code() {
        return code;
    }

    /** The name the specification uses ("Int32", "DateTime", ...), also the UNS JSON {@code datatype}. */
    public String sparkplugName() {
        return sparkplugName;
    }

    /** The Java class of a decoded value of this type (see the class comment). */
    public Class<?> javaType() {
        return javaType;
    }

    /** The datatype with this wire code, or {@code null} for a code 3.0 does not define. */
    public static DataType ofCode(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }

    /** The datatype with this specification name (exact, case-sensitive), or {@code null}. */
    public static DataType ofSparkplugName(String name) {
        for (DataType type : BY_CODE) {
            if (type.sparkplugName.equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** Int8..Text: the types allowed in data set cells and template parameters (and properties). */
    public boolean isBasic() {
        return kind == Kind.SCALAR;
    }

    /** Int8Array..DateTimeArray: carried as little-endian bytes in {@code bytes_value}. */
    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    /** Types a Metric may have (everything but Unknown, PropertySet and PropertySetList). */
    public boolean isMetricType() {
        return kind == Kind.SCALAR || kind == Kind.METRIC_ONLY || kind == Kind.ARRAY;
    }

    /** Types a PropertyValue may have: the basic types, PropertySet and PropertySetList. */
    public boolean isPropertyType() {
        return kind == Kind.SCALAR || kind == Kind.PROPERTY_ONLY;
    }
}
