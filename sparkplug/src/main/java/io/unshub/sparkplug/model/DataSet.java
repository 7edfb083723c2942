package io.unshub.sparkplug.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A table value (datatype DataSet): column names and their basic datatypes, and rows whose cells are typed
 * by their column ({@code null} = a cell without a value). The decoder only produces consistent data sets;
 * the constructor enforces the same rules for the encode path.
 */
public record DataSet(List<String> columns, List<DataType> types, List<List<Object>> rows) {

    public DataSet {
        columns = List.copyOf(columns);
        types = List.copyOf(types);
        if (columns.size() != types.size()) {
            throw new IllegalArgumentException("data set with " + columns.size() + " columns and " + types.size() + " types");
        }
        for (DataType type : types) {
            if (!type.isBasic()) {
                throw new IllegalArgumentException("data set column type " + type.sparkplugName() + " is not a basic type");
            }
        }
        List<List<Object>> copy = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("data set row with " + row.size() + " cells for " + columns.size() + " columns");
            }
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
    }
}
