package io.unshub.historian.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads QuestDB's {@code /exec} JSON answer to {@link AggregateSql} ({@code {"columns":[{"name","type"}..],
 * "dataset":[[bucket, topic, v, n]..]}} or {@code {"error":..}}) into buckets, streaming, without a tree of the
 * whole answer. Timestamps come as ISO-8601 text, a null aggregate (QuestDB's NaN) as JSON null.
 */
final class ExecAnswer {

    private static final JsonFactory JSON = new JsonFactory();

    private ExecAnswer() {
    }

    /** The error message of an answer that is a QuestDB error object, else {@code null}. */
    static String error(String body) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("error")) {
                    return p.getValueAsString();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /**
     * @throws UpstreamQueryException when the answer is an error or not the four columns asked for
     * @throws IOException            when reading the body fails
     */
    static List<AggregateBucket> buckets(InputStream body, boolean count, int max) throws IOException,
            UpstreamQueryException {
        List<AggregateBucket> buckets = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, "not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                switch (name) {
                    case "error" -> throw new UpstreamQueryException(p.getValueAsString(), null);
                    case "columns" -> columns(p);
                    case "dataset" -> {
                        expect(p.currentToken() == JsonToken.START_ARRAY, "dataset is not an array");
                        while (p.nextToken() == JsonToken.START_ARRAY) {
                            AggregateBucket bucket = row(p, count);
                            if (buckets.size() < max) {
                                buckets.add(bucket);
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException | DateTimeParseException e) {
            throw new UpstreamQueryException("an answer that is not /exec JSON: " + e.getMessage(), e);
        }
        return buckets;
    }

    /** The bucket column must be a microsecond timestamp: the WHERE clause compares it with microseconds. */
    private static void columns(JsonParser p) throws IOException, UpstreamQueryException {
        expect(p.currentToken() == JsonToken.START_ARRAY, "columns is not an array");
        int index = 0;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String column = null;
            String type = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("name")) {
                    column = p.getValueAsString();
                } else if (field.equals("type")) {
                    type = p.getValueAsString();
                } else {
                    p.skipChildren();
                }
            }
            if (index == 0 && !"TIMESTAMP".equals(type)) {
                throw new UpstreamQueryException("the designated timestamp " + column + " is " + type
                        + ", expected TIMESTAMP (microseconds)", null);
            }
            index++;
        }
        expect(index == 4, "expected 4 columns, got " + index);
    }

    private static AggregateBucket row(JsonParser p, boolean count) throws IOException, UpstreamQueryException {
        p.nextToken();
        expect(p.currentToken() == JsonToken.VALUE_STRING, "a bucket start that is not a timestamp");
        long start = Instant.parse(p.getText()).toEpochMilli();
        p.nextToken();
        expect(p.currentToken() == JsonToken.VALUE_STRING, "a topic that is not text");
        String topic = p.getText();
        p.nextToken();
        double value = p.currentToken() == JsonToken.VALUE_NULL ? Double.NaN : p.getDoubleValue();
        p.nextToken();
        expect(p.currentToken().isNumeric(), "a count that is not a number");
        long n = p.getLongValue();
        expect(p.nextToken() == JsonToken.END_ARRAY, "a row that is not 4 columns");
        return new AggregateBucket(topic, start, count ? n : value, n);
    }

    private static void expect(boolean condition, String problem) throws UpstreamQueryException {
        if (!condition) {
            throw new UpstreamQueryException("an unexpected /exec answer: " + problem, null);
        }
    }
}
