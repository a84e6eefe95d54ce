package io.roominvites.lambda;

import io.roominvites.service.EventRelay;
import io.roominvites.store.dynamo.StreamImages;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Lambda side of the change stream: a DynamoDB stream event, as the runtime hands it over as a JSON object
 * ({@code {"Records": [{"eventID", "userIdentity"?, "dynamodb": {"Keys", "OldImage", "NewImage",
 * "SequenceNumber", "ApproximateCreationDateTime"}}]}}; a removal by DynamoDB's TTL has {@code userIdentity}
 * {@code {"type": "Service", "principalId": "dynamodb.amazonaws.com"}}, images in DynamoDB's own JSON), as the relay's changes; and the partial batch
 * response. Each record is read only when the relay asks, so that a record that cannot be read fails alone.
 *
 * <p>Not through aws-lambda-java-events' DynamodbEvent: the runtime deserialises that class with a Jackson module
 * that needs joda-time in the function's jar (0.6 MB, and more classes to load at cold start) for a date this code
 * never reads as one. The JSON is small and stable (it is DynamoDB's wire format).
 */
public final class StreamRecords {
    private StreamRecords() {
    }

    public static List<EventRelay.Change> changes(Map<String, Object> event) {
        List<EventRelay.Change> out = new ArrayList<>();
        if (event == null || !(event.get("Records") instanceof List<?> records)) {
            return out;
        }
        int i = 0;
        for (Object o : records) {
            i++;
            Map<String, Object> record = o instanceof Map<?, ?> m ? cast(m) : Map.of();
            Map<String, Object> s = record.get("dynamodb") instanceof Map<?, ?> m ? cast(m) : null;
            String id = s != null && s.get("SequenceNumber") instanceof String seq ? seq
                    : record.get("eventID") instanceof String e ? e : "record-" + i;
            Instant at = s != null && s.get("ApproximateCreationDateTime") instanceof Number n
                    ? Instant.ofEpochMilli((long) (n.doubleValue() * 1000)) : Instant.now();
            Map<String, Object> identity = record.get("userIdentity") instanceof Map<?, ?> m ? cast(m) : Map.of();
            boolean byTtl = StreamImages.isTtlRemoval(String.valueOf(identity.get("type")),
                    String.valueOf(identity.get("principalId")));
            out.add(new EventRelay.Change(id, at, () -> {
                if (s == null) {
                    throw new IllegalArgumentException("a stream record without its change");
                }
                return StreamImages.decode(image(s.get("Keys")), image(s.get("OldImage")), image(s.get("NewImage")),
                        byTtl);
            }));
        }
        return out;
    }

    /** The partial batch response: the stream delivers these records again (and the ones after them in their shard). */
    public static Map<String, Object> response(List<String> failedIds) {
        List<Object> failures = new ArrayList<>(failedIds.size());
        for (String id : failedIds) {
            failures.add(Map.of("itemIdentifier", id));
        }
        return Map.of("batchItemFailures", failures);
    }

    static Map<String, AttributeValue> image(Object json) {
        if (json == null) {
            return null;
        }
        if (!(json instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("an image that is not an object");
        }
        Map<String, AttributeValue> out = new HashMap<>(m.size() * 2);
        m.forEach((k, v) -> out.put(String.valueOf(k), value(v)));
        return out;
    }

    static AttributeValue value(Object json) {
        if (!(json instanceof Map<?, ?> typed) || typed.size() != 1) {
            throw new IllegalArgumentException("an attribute value is an object with one type key");
        }
        Map.Entry<?, ?> e = typed.entrySet().iterator().next();
        Object v = e.getValue();
        return switch (String.valueOf(e.getKey())) {
            case "S" -> AttributeValue.fromS(string(v));
            case "N" -> AttributeValue.fromN(v instanceof Number n ? n.toString() : string(v));
            case "BOOL" -> AttributeValue.fromBool(Boolean.TRUE.equals(v));
            case "NULL" -> AttributeValue.fromNul(true);
            case "M" -> AttributeValue.fromM(image(v));
            case "L" -> {
                List<AttributeValue> l = new ArrayList<>();
                for (Object item : list(v)) {
                    l.add(value(item));
                }
                yield AttributeValue.fromL(l);
            }
            case "SS" -> AttributeValue.fromSs(list(v).stream().map(StreamRecords::string).toList());
            case "NS" -> AttributeValue.fromNs(list(v).stream().map(String::valueOf).toList());
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(string(v))));
            case "BS" -> AttributeValue.fromBs(list(v).stream()
                    .map(b -> SdkBytes.fromByteArray(Base64.getDecoder().decode(string(b)))).toList());
            default -> throw new IllegalArgumentException("an attribute value of no known type");
        };
    }

    private static String string(Object v) {
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("a string attribute that is not a string");
        }
        return s;
    }

    private static List<?> list(Object v) {
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("a list attribute that is not a list");
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
