package io.unshub.namespace.sparkplug;

import java.util.ArrayList;
import java.util.List;

/**
 * A topic template of the Sparkplug mapping, such as {@code acme/{group}/{node}} or {@code {metric[0:4]}}:
 * literal text with placeholders for the Sparkplug ids. {@code {group}}, {@code {node}}, {@code {device}} and
 * {@code {metric}} stand for the ids and the metric name; a slice {@code {metric[1:3]}} (Python style, end
 * optional, negative counts from the end) takes some of the value's {@code /}-separated segments, which is how
 * a metric name that carries a path ({@code Vancouver/Area1/Line1/T1}) gives levels and a tag. After
 * substitution, empty levels are dropped, so {@code {device}/{metric}} of a node metric is just the metric.
 *
 * <p>Immutable and thread-safe.
 */
public final class TopicTemplate {

    /** The values a template can name. */
    public enum Field { GROUP, NODE, DEVICE, METRIC }

    private sealed interface Part permits Literal, Placeholder {
    }

    private record Literal(String text) implements Part {
    }

    private record Placeholder(Field field, boolean sliced, int from, Integer to) implements Part {
    }

    private final String source;
    private final List<Part> parts;

    private TopicTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException with a reason people can act on
     */
    public static TopicTemplate parse(String source) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '+' || c == '#') {
                throw new IllegalArgumentException("'" + c + "' cannot appear in a topic");
            }
            if (c == '}') {
                throw new IllegalArgumentException("'}' at position " + i + " closes no placeholder");
            }
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int end = source.indexOf('}', i);
            if (end < 0) {
                throw new IllegalArgumentException("placeholder at position " + i + " is not closed with '}'");
            }
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(placeholder(source.substring(i + 1, end)));
            i = end + 1;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new TopicTemplate(source, parts);
    }

    private static Placeholder placeholder(String text) {
        String name = text;
        String slice = null;
        int bracket = text.indexOf('[');
        if (bracket >= 0) {
            if (!text.endsWith("]")) {
                throw new IllegalArgumentException("'{" + text + "}': a slice is written [from:to]");
            }
            name = text.substring(0, bracket);
            slice = text.substring(bracket + 1, text.length() - 1);
        }
        Field field = switch (name) {
            case "group" -> Field.GROUP;
            case "node" -> Field.NODE;
            case "device" -> Field.DEVICE;
            case "metric" -> Field.METRIC;
            default -> throw new IllegalArgumentException("'{" + text + "}' names no value; use {group}, {node}, "
                    + "{device} or {metric}");
        };
        if (slice == null) {
            return new Placeholder(field, false, 0, null);
        }
        int colon = slice.indexOf(':');
        try {
            if (colon < 0) {
                int index = Integer.parseInt(slice.trim());
                return new Placeholder(field, true, index, index == -1 ? null : index + 1);
            }
            String from = slice.substring(0, colon).trim();
            String to = slice.substring(colon + 1).trim();
            return new Placeholder(field, true, from.isEmpty() ? 0 : Integer.parseInt(from),
                    to.isEmpty() ? null : Integer.parseInt(to));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'{" + text + "}': slice bounds must be whole numbers");
        }
    }

    /** The template as written; also its JSON form, so the model can be shown by the REST API. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String source() {
        return source;
    }

    /** Whether the template names {@code field} at all. */
    public boolean uses(Field field) {
        for (Part part : parts) {
            if (part instanceof Placeholder p && p.field == field) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fills the template in and drops empty levels. {@code device} is {@code ""} for node metrics. The result may
     * be empty (a template of only placeholders that were all empty).
     */
    public String render(String group, String node, String device, String metric) {
        StringBuilder out = new StringBuilder(64);
        for (Part part : parts) {
            if (part instanceof Literal l) {
                out.append(l.text);
            } else {
                Placeholder p = (Placeholder) part;
                String value = switch (p.field) {
                    case GROUP -> group;
                    case NODE -> node;
                    case DEVICE -> device;
                    case METRIC -> metric;
                };
                out.append(p.sliced ? slice(value, p.from, p.to) : value);
            }
        }
        return dropEmptyLevels(out);
    }

    private static String slice(String value, int from, Integer to) {
        String[] segments = value.split("/", -1);
        int n = segments.length;
        int start = Math.max(0, Math.min(n, from < 0 ? n + from : from));
        int end = to == null ? n : Math.max(0, Math.min(n, to < 0 ? n + to : to));
        if (start >= end) {
            return "";
        }
        return String.join("/", java.util.Arrays.asList(segments).subList(start, end));
    }

    private static String dropEmptyLevels(StringBuilder topic) {
        StringBuilder out = new StringBuilder(topic.length());
        int start = 0;
        for (int i = 0; i <= topic.length(); i++) {
            if (i == topic.length() || topic.charAt(i) == '/') {
                if (i > start) {
                    if (!out.isEmpty()) {
                        out.append('/');
                    }
                    out.append(topic, start, i);
                }
                start = i + 1;
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return source;
    }
}
