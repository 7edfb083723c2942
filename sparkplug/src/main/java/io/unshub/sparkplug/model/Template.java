package io.unshub.sparkplug.model;

import java.util.List;

/**
 * A template value (datatype Template): a definition (published in NBIRTH, leniently also DBIRTH; its metric
 * name is the type name, {@code templateRef} is null) or an instance ({@code templateRef} names the definition
 * metric; in DATA only the changed members). Members are metrics and may be templates themselves.
 *
 * @param version    optional free-form version, {@code null} when absent
 * @param parameters on a definition the defaults, on an instance the overrides
 */
public record Template(String version, List<Metric> metrics, List<Parameter> parameters, String templateRef,
                       boolean isDefinition) {

    public Template {
        metrics = List.copyOf(metrics);
        parameters = List.copyOf(parameters);
    }

    public static Template definition(String version, List<Metric> metrics, List<Parameter> parameters) {
        return new Template(version, metrics, parameters, null, true);
    }

    public static Template instance(String templateRef, String version, List<Metric> metrics, List<Parameter> parameters) {
        return new Template(version, metrics, parameters, templateRef, false);
    }

    /**
     * A template parameter: a basic type and a value of that type ({@code null} when not set).
     * {@code type} is {@code null} when the message did not say; then {@code value} is an {@link UntypedValue}.
     */
    public record Parameter(String name, DataType type, Object value) {
    }
}
