package io.unshub.sparkplug.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
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
import io.unshub.sparkplug.model.UntypedValue.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes Sparkplug B payload bytes (NBIRTH, NDATA, NDEATH, DBIRTH, DDATA, DDEATH, NCMD, DCMD; never STATE, which
 * is JSON: see {@link StatePayload}) into the protobuf-free model. Never throws for bad input: anything that is
 * not a valid payload comes back as {@link DecodeResult.Malformed} with the reason. Tahu's compression wrapper
 * ({@code uuid = "SPBV1.0_COMPRESSED"}) is unwrapped, with a cap on the inflated size.
 *
 * <p>Stateless and thread-safe; one instance can serve every connection.
 */
public final class SparkplugDecoder {

    /** Default cap for an inflated compressed payload: births with thousands of metrics stay well below. */
    public static final int DEFAULT_MAX_INFLATED_BYTES = 16 * 1024 * 1024;

    private final int maxInflatedBytes;

    public SparkplugDecoder() {
        this(DEFAULT_MAX_INFLATED_BYTES);
    }

    /** @param maxInflatedBytes the largest inflated size accepted for a compressed payload */
    public SparkplugDecoder(int maxInflatedBytes) {
        if (maxInflatedBytes <= 0) {
            throw new IllegalArgumentException("maxInflatedBytes must be positive: " + maxInflatedBytes);
        }
        this.maxInflatedBytes = maxInflatedBytes;
    }

    /** Decodes without birth knowledge: datatype-less metric values stay {@link UntypedValue}s. */
    public DecodeResult decode(byte[] bytes) {
        return decode(bytes, DatatypeLookup.NONE);
    }

    /**
     * Decodes, typing the values of top-level metrics that carry no datatype with the datatype {@code lookup}
     * returns (the birth's); metrics it does not know stay untyped.
     */
    public DecodeResult decode(byte[] bytes, DatatypeLookup lookup) {
        try {
            SparkplugB.Payload proto = SparkplugB.Payload.parseFrom(bytes);
            if (Compression.isCompressed(proto)) {
                proto = SparkplugB.Payload.parseFrom(Compression.inflate(proto, maxInflatedBytes));
            }
            return new DecodeResult.Decoded(payload(proto, lookup));
        } catch (InvalidProtocolBufferException e) {
            return new DecodeResult.Malformed("not a Sparkplug B protobuf payload: " + e.getMessage());
        } catch (MalformedException e) {
            return new DecodeResult.Malformed(e.getMessage());
        } catch (RuntimeException e) {
            // Defensive: a decoder bug must not travel up a broker or host thread as an exception.
            return new DecodeResult.Malformed("undecodable payload: " + e);
        }
    }

    private static SparkplugPayload payload(SparkplugB.Payload proto, DatatypeLookup lookup) throws MalformedException {
        Long seq = null;
        if (proto.hasSeq()) {
            long value = proto.getSeq();
            if (value < 0 || value > 255) {
                throw new MalformedException("seq " + Long.toUnsignedString(value) + " outside 0..255");
            }
            seq = value;
        }
        int count = proto.getMetricsCount();
        Metric[] metrics = new Metric[count];
        for (int i = 0; i < count; i++) {
            metrics[i] = metric(proto.getMetrics(i), lookup, i);
        }
        return new SparkplugPayload(
                proto.hasTimestamp() ? proto.getTimestamp() : null,
                seq,
                proto.hasUuid() ? proto.getUuid() : null,
                proto.hasBody() ? proto.getBody().toByteArray() : null,
                Arrays.asList(metrics));
    }

    private static Metric metric(SparkplugB.Payload.Metric proto, DatatypeLookup lookup, int index)
            throws MalformedException {
        String name = proto.hasName() ? proto.getName() : null;
        Long alias = proto.hasAlias() ? proto.getAlias() : null;
        DataType type;
        if (proto.hasDatatype()) {
            type = DataType.ofCode(Integer.toUnsignedLong(proto.getDatatype()));
            if (type == null) {
                type = DataType.UNKNOWN;
            } else if (!type.isMetricType()) {
                throw new MalformedException(where(name, alias, index) + ": datatype " + type.sparkplugName()
                        + " is not allowed for a metric");
            }
        } else {
            type = lookup.datatypeOf(name, alias);
        }
        Object value = null;
        boolean isNull = proto.getIsNull();
        if (!isNull) {
            try {
                value = metricValue(proto, type);
            } catch (MalformedException e) {
                if (proto.hasDatatype()) {
                    throw new MalformedException(where(name, alias, index) + ": " + e.getMessage());
                }
                // The message itself is consistent; it only disagrees with the birth the lookup knows. Keep the raw
                // value so the host can report that metric (and the others in the message still count).
                value = metricValue(proto, null);
            }
        }
        return new Metric(name, alias,
                proto.hasTimestamp() ? proto.getTimestamp() : null,
                proto.hasDatatype() ? type : (value instanceof UntypedValue ? null : type),
                value,
                proto.getIsHistorical(), proto.getIsTransient(), isNull,
                proto.hasProperties() ? propertySet(proto.getProperties()) : PropertySet.EMPTY,
                proto.hasMetadata() ? metaData(proto.getMetadata()) : null);
    }

    private static Object metricValue(SparkplugB.Payload.Metric proto, DataType type) throws MalformedException {
        return switch (proto.getValueCase()) {
            case INT_VALUE -> value(type, Field.INT, proto.getIntValue(), null);
            case LONG_VALUE -> value(type, Field.LONG, proto.getLongValue(), null);
            case FLOAT_VALUE -> value(type, Field.FLOAT, 0, proto.getFloatValue());
            case DOUBLE_VALUE -> value(type, Field.DOUBLE, 0, proto.getDoubleValue());
            case BOOLEAN_VALUE -> value(type, Field.BOOLEAN, 0, proto.getBooleanValue());
            case STRING_VALUE -> value(type, Field.STRING, 0, proto.getStringValue());
            case BYTES_VALUE -> bytesValue(type, proto.getBytesValue());
            case DATASET_VALUE -> value(type, Field.DATASET, 0, dataSet(proto.getDatasetValue()));
            case TEMPLATE_VALUE -> value(type, Field.TEMPLATE, 0, template(proto.getTemplateValue()));
            case EXTENSION_VALUE, VALUE_NOT_SET -> null;
        };
    }

    private static Object bytesValue(DataType type, ByteString bytes) throws MalformedException {
        if (type == null || type == DataType.UNKNOWN) {
            return new UntypedValue(Field.BYTES, bytes.toByteArray());
        }
        // Arrays decode straight from the protobuf buffer; Bytes/File get their own copy.
        return ValueInterpreter.typed(type, Field.BYTES, 0, bytes.asReadOnlyByteBuffer());
    }

    /** A typed value, or the raw one when the datatype is unknown to this message (and to the lookup). */
    private static Object value(DataType type, Field field, long bits, Object ref) throws MalformedException {
        if (type == null || type == DataType.UNKNOWN) {
            return switch (field) {
                case INT -> new UntypedValue(field, (int) bits);
                case LONG -> new UntypedValue(field, bits);
                default -> new UntypedValue(field, ref);
            };
        }
        return ValueInterpreter.typed(type, field, bits, ref);
    }

    private static DataSet dataSet(SparkplugB.Payload.DataSet proto) throws MalformedException {
        int columns = proto.getColumnsCount();
        if (proto.hasNumOfColumns() && proto.getNumOfColumns() != columns) {
            throw new MalformedException("DataSet num_of_columns " + Long.toUnsignedString(proto.getNumOfColumns())
                    + " but " + columns + " column names");
        }
        if (proto.getTypesCount() != columns) {
            throw new MalformedException("DataSet with " + columns + " columns and " + proto.getTypesCount()
                    + " types");
        }
        DataType[] types = new DataType[columns];
        for (int c = 0; c < columns; c++) {
            DataType type = DataType.ofCode(Integer.toUnsignedLong(proto.getTypes(c)));
            if (type == null || !type.isBasic()) {
                throw new MalformedException("DataSet column " + proto.getColumns(c) + " has datatype code "
                        + Integer.toUnsignedString(proto.getTypes(c)) + ", not a basic type");
            }
            types[c] = type;
        }
        List<List<Object>> rows = new ArrayList<>(proto.getRowsCount());
        for (int r = 0; r < proto.getRowsCount(); r++) {
            SparkplugB.Payload.DataSet.Row row = proto.getRows(r);
            if (row.getElementsCount() != columns) {
                throw new MalformedException("DataSet row " + r + " has " + row.getElementsCount() + " elements for "
                        + columns + " columns");
            }
            Object[] cells = new Object[columns];
            for (int c = 0; c < columns; c++) {
                try {
                    cells[c] = cell(types[c], row.getElements(c));
                } catch (MalformedException e) {
                    throw new MalformedException("DataSet row " + r + " column " + proto.getColumns(c) + ": "
                            + e.getMessage());
                }
            }
            rows.add(Arrays.asList(cells));
        }
        return new DataSet(proto.getColumnsList(), Arrays.asList(types), rows);
    }

    private static Object cell(DataType type, SparkplugB.Payload.DataSet.DataSetValue proto) throws MalformedException {
        return switch (proto.getValueCase()) {
            case INT_VALUE -> ValueInterpreter.typed(type, Field.INT, proto.getIntValue(), null);
            case LONG_VALUE -> ValueInterpreter.typed(type, Field.LONG, proto.getLongValue(), null);
            case FLOAT_VALUE -> ValueInterpreter.typed(type, Field.FLOAT, 0, proto.getFloatValue());
            case DOUBLE_VALUE -> ValueInterpreter.typed(type, Field.DOUBLE, 0, proto.getDoubleValue());
            case BOOLEAN_VALUE -> ValueInterpreter.typed(type, Field.BOOLEAN, 0, proto.getBooleanValue());
            case STRING_VALUE -> ValueInterpreter.typed(type, Field.STRING, 0, proto.getStringValue());
            case EXTENSION_VALUE, VALUE_NOT_SET -> null;
        };
    }

    private static Template template(SparkplugB.Payload.Template proto) throws MalformedException {
        List<Metric> members = new ArrayList<>(proto.getMetricsCount());
        for (int i = 0; i < proto.getMetricsCount(); i++) {
            // Members of DATA instances carry no datatype either; they stay untyped (the definition knows it).
            members.add(metric(proto.getMetrics(i), DatatypeLookup.NONE, i));
        }
        List<Template.Parameter> parameters = new ArrayList<>(proto.getParametersCount());
        for (SparkplugB.Payload.Template.Parameter parameter : proto.getParametersList()) {
            parameters.add(parameter(parameter));
        }
        // Tahu writes an empty template_ref on definitions, where the specification omits it: both mean "none".
        String templateRef = proto.hasTemplateRef() && !proto.getTemplateRef().isEmpty() ? proto.getTemplateRef() : null;
        return new Template(proto.hasVersion() ? proto.getVersion() : null, members, parameters, templateRef,
                proto.getIsDefinition());
    }

    private static Template.Parameter parameter(SparkplugB.Payload.Template.Parameter proto) throws MalformedException {
        String name = proto.hasName() ? proto.getName() : null;
        DataType type = null;
        if (proto.hasType()) {
            type = DataType.ofCode(Integer.toUnsignedLong(proto.getType()));
            if (type == null || !type.isBasic()) {
                throw new MalformedException("template parameter " + name + " has datatype code "
                        + Integer.toUnsignedString(proto.getType()) + ", not a basic type");
            }
        }
        try {
            Object value = switch (proto.getValueCase()) {
                case INT_VALUE -> value(type, Field.INT, proto.getIntValue(), null);
                case LONG_VALUE -> value(type, Field.LONG, proto.getLongValue(), null);
                case FLOAT_VALUE -> value(type, Field.FLOAT, 0, proto.getFloatValue());
                case DOUBLE_VALUE -> value(type, Field.DOUBLE, 0, proto.getDoubleValue());
                case BOOLEAN_VALUE -> value(type, Field.BOOLEAN, 0, proto.getBooleanValue());
                case STRING_VALUE -> value(type, Field.STRING, 0, proto.getStringValue());
                case EXTENSION_VALUE, VALUE_NOT_SET -> null;
            };
            return new Template.Parameter(name, type, value);
        } catch (MalformedException e) {
            throw new MalformedException("template parameter " + name + ": " + e.getMessage());
        }
    }

    private static PropertySet propertySet(SparkplugB.Payload.PropertySet proto) throws MalformedException {
        int size = proto.getKeysCount();
        if (proto.getValuesCount() != size) {
            throw new MalformedException("property set with " + size + " keys and " + proto.getValuesCount()
                    + " values");
        }
        PropertyValue[] values = new PropertyValue[size];
        for (int i = 0; i < size; i++) {
            try {
                values[i] = propertyValue(proto.getValues(i));
            } catch (MalformedException e) {
                throw new MalformedException("property " + proto.getKeys(i) + ": " + e.getMessage());
            }
        }
        return new PropertySet(proto.getKeysList(), Arrays.asList(values));
    }

    private static PropertyValue propertyValue(SparkplugB.Payload.PropertyValue proto) throws MalformedException {
        DataType type = null;
        if (proto.hasType()) {
            type = DataType.ofCode(Integer.toUnsignedLong(proto.getType()));
            if (type == null || !type.isPropertyType()) {
                throw new MalformedException("datatype code " + Integer.toUnsignedString(proto.getType())
                        + " is not allowed for a property");
            }
        }
        if (proto.getIsNull()) {
            return new PropertyValue(type, true, null);
        }
        Object value = switch (proto.getValueCase()) {
            case INT_VALUE -> value(type, Field.INT, proto.getIntValue(), null);
            case LONG_VALUE -> value(type, Field.LONG, proto.getLongValue(), null);
            case FLOAT_VALUE -> value(type, Field.FLOAT, 0, proto.getFloatValue());
            case DOUBLE_VALUE -> value(type, Field.DOUBLE, 0, proto.getDoubleValue());
            case BOOLEAN_VALUE -> value(type, Field.BOOLEAN, 0, proto.getBooleanValue());
            case STRING_VALUE -> value(type, Field.STRING, 0, proto.getStringValue());
            case PROPERTYSET_VALUE -> value(type, Field.PROPERTY_SET, 0, propertySet(proto.getPropertysetValue()));
            case PROPERTYSETS_VALUE -> {
                List<PropertySet> sets = new ArrayList<>(proto.getPropertysetsValue().getPropertysetCount());
                for (SparkplugB.Payload.PropertySet set : proto.getPropertysetsValue().getPropertysetList()) {
                    sets.add(propertySet(set));
                }
                yield value(type, Field.PROPERTY_SET_LIST, 0, List.copyOf(sets));
            }
            case EXTENSION_VALUE, VALUE_NOT_SET -> null;
        };
        return new PropertyValue(type, false, value);
    }

    private static MetaData metaData(SparkplugB.Payload.MetaData proto) {
        return new MetaData(
                proto.hasIsMultiPart() ? proto.getIsMultiPart() : null,
                proto.hasContentType() ? proto.getContentType() : null,
                proto.hasSize() ? proto.getSize() : null,
                proto.hasSeq() ? proto.getSeq() : null,
                proto.hasFileName() ? proto.getFileName() : null,
                proto.hasFileType() ? proto.getFileType() : null,
                proto.hasMd5() ? proto.getMd5() : null,
                proto.hasDescription() ? proto.getDescription() : null);
    }

    private static String where(String name, Long alias, int index) {
        return "metric " + (name != null ? "'" + name + "'" : alias != null ? "alias " + Long.toUnsignedString(alias)
                : "#" + index);
    }
}
