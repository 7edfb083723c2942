package io.unshub.sparkplug.codec;

import com.google.protobuf.ByteString;
import io.unshub.schemas.sparkplug.proto.SparkplugB;
import io.unshub.sparkplug.model.DataSet;
import io.unshub.sparkplug.model.DataType;
import io.unshub.sparkplug.model.MetaData;
import io.unshub.sparkplug.model.Metric;
import io.unshub.sparkplug.model.PropertySet;
import io.unshub.sparkplug.model.PropertyValue;
import io.unshub.sparkplug.model.SparkplugPayload;
import io.unshub.sparkplug.model.Template;
import io.unshub.sparkplug.model.UntypedValue;
import java.math.BigInteger;
import java.util.List;

/**
 * Encodes the model into Sparkplug B payload bytes: the hub's NCMD/DCMD (see {@link SparkplugCommands}), and test
 * edges. Values must have the Java type of their datatype (see {@link DataType}); a value that does not fit is a
 * caller error ({@link IllegalArgumentException} naming the metric). Signed integers are sign-extended into
 * {@code int_value}; UInt32 goes into {@code long_value} like Tahu and Ignition read it (digest P5); an
 * {@link UntypedValue} is written back into the field it came from.
 *
 * <p>Stateless and thread-safe.
 */
public final class SparkplugEncoder {

    public byte[] encode(SparkplugPayload payload) {
        SparkplugB.Payload.Builder proto = SparkplugB.Payload.newBuilder();
        if (payload.timestamp() != null) {
            proto.setTimestamp(payload.timestamp());
        }
        if (payload.seq() != null) {
            proto.setSeq(payload.seq());
        }
        if (payload.uuid() != null) {
            proto.setUuid(payload.uuid());
        }
        if (payload.body() != null) {
            proto.setBody(ByteString.copyFrom(payload.body()));
        }
        for (Metric metric : payload.metrics()) {
            proto.addMetrics(metric(metric));
        }
        return proto.build().toByteArray();
    }

    private static SparkplugB.Payload.Metric metric(Metric metric) {
        SparkplugB.Payload.Metric.Builder proto = SparkplugB.Payload.Metric.newBuilder();
        if (metric.name() != null) {
            proto.setName(metric.name());
        }
        if (metric.alias() != null) {
            proto.setAlias(metric.alias());
        }
        if (metric.timestamp() != null) {
            proto.setTimestamp(metric.timestamp());
        }
        if (metric.datatype() != null) {
            proto.setDatatype(metric.datatype().code());
        }
        if (metric.isHistorical()) {
            proto.setIsHistorical(true);
        }
        if (metric.isTransient()) {
            proto.setIsTransient(true);
        }
        if (metric.isNull()) {
            proto.setIsNull(true);
        }
        if (metric.metadata() != null) {
            proto.setMetadata(metaData(metric.metadata()));
        }
        if (!metric.properties().isEmpty()) {
            proto.setProperties(propertySet(metric.properties()));
        }
        if (!metric.isNull() && metric.value() != null) {
            try {
                metricValue(proto, metric.datatype(), metric.value());
            } catch (IllegalArgumentException | ClassCastException e) {
                throw new IllegalArgumentException("metric " + (metric.name() != null ? "'" + metric.name() + "'"
                        : "alias " + metric.alias()) + ": " + e.getMessage(), e);
            }
        }
        return proto.build();
    }

    private static void metricValue(SparkplugB.Payload.Metric.Builder proto, DataType type, Object value) {
        if (value instanceof UntypedValue untyped) {
            switch (untyped.field()) {
                case INT -> proto.setIntValue((Integer) untyped.raw());
                case LONG -> proto.setLongValue((Long) untyped.raw());
                case FLOAT -> proto.setFloatValue((Float) untyped.raw());
                case DOUBLE -> proto.setDoubleValue((Double) untyped.raw());
                case BOOLEAN -> proto.setBooleanValue((Boolean) untyped.raw());
                case STRING -> proto.setStringValue((String) untyped.raw());
                case BYTES -> proto.setBytesValue(ByteString.copyFrom((byte[]) untyped.raw()));
                case DATASET -> proto.setDatasetValue(dataSet((DataSet) untyped.raw()));
                case TEMPLATE -> proto.setTemplateValue(template((Template) untyped.raw()));
                default -> throw new IllegalArgumentException(untyped.field() + " is not a metric value field");
            }
            return;
        }
        if (type == null || type == DataType.UNKNOWN) {
            throw new IllegalArgumentException("a typed value needs a datatype");
        }
        switch (type) {
            case INT8, INT16, INT32, UINT8, UINT16 -> proto.setIntValue(intBits(type, value));
            case INT64, UINT32, UINT64, DATETIME -> proto.setLongValue(longBits(type, value));
            case FLOAT -> proto.setFloatValue((Float) value);
            case DOUBLE -> proto.setDoubleValue((Double) value);
            case BOOLEAN -> proto.setBooleanValue((Boolean) value);
            case STRING, TEXT, UUID -> proto.setStringValue((String) value);
            case BYTES, FILE -> proto.setBytesValue(ByteString.copyFrom((byte[]) value));
            case DATASET -> proto.setDatasetValue(dataSet((DataSet) value));
            case TEMPLATE -> proto.setTemplateValue(template((Template) value));
            case PROPERTY_SET, PROPERTY_SET_LIST, UNKNOWN ->
                    throw new IllegalArgumentException(type.sparkplugName() + " is not a metric datatype");
            default -> proto.setBytesValue(ByteString.copyFrom(ArrayCodec.encode(type, value)));
        }
    }

    /** The {@code int_value} bits of a value of an Int8/16/32 or UInt8/16 datatype, range-checked. */
    static int intBits(DataType type, Object value) {
        long v = ((Number) integral(type, value)).longValue();
        return switch (type) {
            case INT8 -> (int) Numbers.inRange("Int8", v, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INT16 -> (int) Numbers.inRange("Int16", v, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT32 -> (int) Numbers.inRange("Int32", v, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT8 -> (int) Numbers.inRange("UInt8", v, 0, 0xFF);
            case UINT16 -> (int) Numbers.inRange("UInt16", v, 0, 0xFFFF);
            case UINT32 -> (int) Numbers.inRange("UInt32", v, 0, 0xFFFF_FFFFL);
            default -> throw new IllegalArgumentException(type.sparkplugName() + " is not carried in int_value");
        };
    }

    /** The {@code long_value} bits of a value of an Int64, UInt32, UInt64 or DateTime datatype, range-checked. */
    static long longBits(DataType type, Object value) {
        Object number = integral(type, value);
        return switch (type) {
            case UINT64 -> number instanceof BigInteger big ? Numbers.unsigned64(big)
                    : Numbers.inRange("UInt64", ((Number) number).longValue(), 0, Long.MAX_VALUE);
            case UINT32 -> Numbers.inRange("UInt32", ((Number) number).longValue(), 0, 0xFFFF_FFFFL);
            case INT64, DATETIME -> {
                if (number instanceof BigInteger big && big.bitLength() > 63) {
                    throw new IllegalArgumentException(type.sparkplugName() + " value " + big + " does not fit 64 bits");
                }
                yield ((Number) number).longValue();
            }
            default -> throw new IllegalArgumentException(type.sparkplugName() + " is not carried in long_value");
        };
    }

    private static Object integral(DataType type, Object value) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long
                || value instanceof BigInteger) {
            return value;
        }
        throw new IllegalArgumentException(type.sparkplugName() + " needs an integer value, got "
                + (value == null ? "null" : value.getClass().getSimpleName()));
    }

    private static SparkplugB.Payload.DataSet dataSet(DataSet dataSet) {
        SparkplugB.Payload.DataSet.Builder proto = SparkplugB.Payload.DataSet.newBuilder()
                .setNumOfColumns(dataSet.columns().size())
                .addAllColumns(dataSet.columns());
        for (DataType type : dataSet.types()) {
            proto.addTypes(type.code());
        }
        for (List<Object> row : dataSet.rows()) {
            SparkplugB.Payload.DataSet.Row.Builder rowProto = SparkplugB.Payload.DataSet.Row.newBuilder();
            for (int c = 0; c < row.size(); c++) {
                SparkplugB.Payload.DataSet.DataSetValue.Builder cell = SparkplugB.Payload.DataSet.DataSetValue.newBuilder();
                Object value = row.get(c);
                if (value != null) {
                    DataType type = dataSet.types().get(c);
                    switch (basicField(type)) {
                        case INT -> cell.setIntValue(intBits(type, value));
                        case LONG -> cell.setLongValue(longBits(type, value));
                        case FLOAT -> cell.setFloatValue((Float) value);
                        case DOUBLE -> cell.setDoubleValue((Double) value);
                        case BOOLEAN -> cell.setBooleanValue((Boolean) value);
                        default -> cell.setStringValue((String) value);
                    }
                }
                rowProto.addElements(cell);
            }
            proto.addRows(rowProto);
        }
        return proto.build();
    }

    private static SparkplugB.Payload.Template template(Template template) {
        SparkplugB.Payload.Template.Builder proto = SparkplugB.Payload.Template.newBuilder()
                .setIsDefinition(template.isDefinition());
        if (template.version() != null) {
            proto.setVersion(template.version());
        }
        if (template.templateRef() != null) {
            proto.setTemplateRef(template.templateRef());
        }
        for (Metric member : template.metrics()) {
            proto.addMetrics(metric(member));
        }
        for (Template.Parameter parameter : template.parameters()) {
            SparkplugB.Payload.Template.Parameter.Builder p = SparkplugB.Payload.Template.Parameter.newBuilder();
            if (parameter.name() != null) {
                p.setName(parameter.name());
            }
            if (parameter.type() != null) {
                p.setType(parameter.type().code());
            }
            Object value = parameter.value();
            if (value instanceof UntypedValue untyped) {
                switch (untyped.field()) {
                    case INT -> p.setIntValue((Integer) untyped.raw());
                    case LONG -> p.setLongValue((Long) untyped.raw());
                    case FLOAT -> p.setFloatValue((Float) untyped.raw());
                    case DOUBLE -> p.setDoubleValue((Double) untyped.raw());
                    case BOOLEAN -> p.setBooleanValue((Boolean) untyped.raw());
                    case STRING -> p.setStringValue((String) untyped.raw());
                    default -> throw new IllegalArgumentException(untyped.field() + " is not a parameter value field");
                }
            } else if (value != null) {
                DataType type = parameter.type();
                if (type == null) {
                    throw new IllegalArgumentException("template parameter " + parameter.name() + " has a value but no type");
                }
                switch (basicField(type)) {
                    case INT -> p.setIntValue(intBits(type, value));
                    case LONG -> p.setLongValue(longBits(type, value));
                    case FLOAT -> p.setFloatValue((Float) value);
                    case DOUBLE -> p.setDoubleValue((Double) value);
                    case BOOLEAN -> p.setBooleanValue((Boolean) value);
                    default -> p.setStringValue((String) value);
                }
            }
            proto.addParameters(p);
        }
        return proto.build();
    }

    private static SparkplugB.Payload.PropertySet propertySet(PropertySet set) {
        SparkplugB.Payload.PropertySet.Builder proto = SparkplugB.Payload.PropertySet.newBuilder()
                .addAllKeys(set.keys());
        for (PropertyValue value : set.values()) {
            proto.addValues(propertyValue(value));
        }
        return proto.build();
    }

    private static SparkplugB.Payload.PropertyValue propertyValue(PropertyValue value) {
        SparkplugB.Payload.PropertyValue.Builder proto = SparkplugB.Payload.PropertyValue.newBuilder();
        DataType type = value.type();
        if (type != null) {
            proto.setType(type.code());
        }
        if (value.isNull()) {
            return proto.setIsNull(true).build();
        }
        Object v = value.value();
        if (v instanceof UntypedValue untyped) {
            switch (untyped.field()) {
                case INT -> proto.setIntValue((Integer) untyped.raw());
                case LONG -> proto.setLongValue((Long) untyped.raw());
                case FLOAT -> proto.setFloatValue((Float) untyped.raw());
                case DOUBLE -> proto.setDoubleValue((Double) untyped.raw());
                case BOOLEAN -> proto.setBooleanValue((Boolean) untyped.raw());
                case STRING -> proto.setStringValue((String) untyped.raw());
                case PROPERTY_SET -> proto.setPropertysetValue(propertySet((PropertySet) untyped.raw()));
                case PROPERTY_SET_LIST -> proto.setPropertysetsValue(propertySetList((List<?>) untyped.raw()));
                default -> throw new IllegalArgumentException(untyped.field() + " is not a property value field");
            }
        } else if (v != null) {
            if (type == null) {
                throw new IllegalArgumentException("a typed property value needs a type");
            }
            switch (type) {
                case PROPERTY_SET -> proto.setPropertysetValue(propertySet((PropertySet) v));
                case PROPERTY_SET_LIST -> proto.setPropertysetsValue(propertySetList((List<?>) v));
                default -> {
                    switch (basicField(type)) {
                        case INT -> proto.setIntValue(intBits(type, v));
                        case LONG -> proto.setLongValue(longBits(type, v));
                        case FLOAT -> proto.setFloatValue((Float) v);
                        case DOUBLE -> proto.setDoubleValue((Double) v);
                        case BOOLEAN -> proto.setBooleanValue((Boolean) v);
                        default -> proto.setStringValue((String) v);
                    }
                }
            }
        }
        return proto.build();
    }

    private static SparkplugB.Payload.PropertySetList propertySetList(List<?> sets) {
        SparkplugB.Payload.PropertySetList.Builder proto = SparkplugB.Payload.PropertySetList.newBuilder();
        for (Object set : sets) {
            proto.addPropertyset(propertySet((PropertySet) set));
        }
        return proto.build();
    }

    private static SparkplugB.Payload.MetaData metaData(MetaData metaData) {
        SparkplugB.Payload.MetaData.Builder proto = SparkplugB.Payload.MetaData.newBuilder();
        if (metaData.isMultiPart() != null) {
            proto.setIsMultiPart(metaData.isMultiPart());
        }
        if (metaData.contentType() != null) {
            proto.setContentType(metaData.contentType());
        }
        if (metaData.size() != null) {
            proto.setSize(metaData.size());
        }
        if (metaData.seq() != null) {
            proto.setSeq(metaData.seq());
        }
        if (metaData.fileName() != null) {
            proto.setFileName(metaData.fileName());
        }
        if (metaData.fileType() != null) {
            proto.setFileType(metaData.fileType());
        }
        if (metaData.md5() != null) {
            proto.setMd5(metaData.md5());
        }
        if (metaData.description() != null) {
            proto.setDescription(metaData.description());
        }
        return proto.build();
    }

    /** The value field a basic datatype travels in (data set cells, parameters, properties). */
    private static UntypedValue.Field basicField(DataType type) {
        return switch (type) {
            case INT8, INT16, INT32, UINT8, UINT16 -> UntypedValue.Field.INT;
            case INT64, UINT32, UINT64, DATETIME -> UntypedValue.Field.LONG;
            case FLOAT -> UntypedValue.Field.FLOAT;
            case DOUBLE -> UntypedValue.Field.DOUBLE;
            case BOOLEAN -> UntypedValue.Field.BOOLEAN;
            case STRING, TEXT -> UntypedValue.Field.STRING;
            default -> throw new IllegalArgumentException(type.sparkplugName() + " is not a basic datatype");
        };
    }
}
