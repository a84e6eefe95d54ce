package io.roominvites.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.roominvites.service.EventRelay;
import io.roominvites.store.dynamo.StreamImages;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Lambda side of the change stream: a DynamoDB stream event (aws-lambda-java-events) as the relay's changes.
 * Each record is read only when the relay asks, so that a record that cannot be read fails alone.
 */
public final class StreamRecords {
    private StreamRecords() {
    }

    public static List<EventRelay.Change> changes(DynamodbEvent event) {
        List<EventRelay.Change> out = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return out;
        }
        for (DynamodbEvent.DynamodbStreamRecord r : event.getRecords()) {
            StreamRecord s = r.getDynamodb();
            String id = s != null && s.getSequenceNumber() != null ? s.getSequenceNumber() : r.getEventID();
            Instant at = s != null && s.getApproximateCreationDateTime() != null
                    ? s.getApproximateCreationDateTime().toInstant() : Instant.now();
            out.add(new EventRelay.Change(id, at, () -> {
                if (s == null) {
                    throw new IllegalArgumentException("a stream record without its change");
                }
                return StreamImages.decode(sdk(s.getKeys()), sdk(s.getOldImage()), sdk(s.getNewImage()));
            }));
        }
        return out;
    }

    static Map<String, AttributeValue> sdk(Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
        if (image == null) {
            return null;
        }
        Map<String, AttributeValue> out = new HashMap<>(image.size() * 2);
        image.forEach((k, v) -> out.put(k, sdk(v)));
        return out;
    }

    static AttributeValue sdk(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
        if (v.getS() != null) {
            return AttributeValue.fromS(v.getS());
        }
        if (v.getN() != null) {
            return AttributeValue.fromN(v.getN());
        }
        if (v.getBOOL() != null) {
            return AttributeValue.fromBool(v.getBOOL());
        }
        if (Boolean.TRUE.equals(v.getNULL())) {
            return AttributeValue.fromNul(true);
        }
        if (v.getM() != null) {
            return AttributeValue.fromM(sdk(v.getM()));
        }
        if (v.getL() != null) {
            List<AttributeValue> l = new ArrayList<>(v.getL().size());
            v.getL().forEach(e -> l.add(sdk(e)));
            return AttributeValue.fromL(l);
        }
        if (v.getSS() != null) {
            return AttributeValue.fromSs(v.getSS());
        }
        if (v.getNS() != null) {
            return AttributeValue.fromNs(v.getNS());
        }
        if (v.getB() != null) {
            return AttributeValue.fromB(SdkBytes.fromByteBuffer(v.getB()));
        }
        if (v.getBS() != null) {
            List<SdkBytes> bs = new ArrayList<>(v.getBS().size());
            v.getBS().forEach(b -> bs.add(SdkBytes.fromByteBuffer(b)));
            return AttributeValue.fromBs(bs);
        }
        throw new IllegalArgumentException("an attribute value of no known type");
    }
}
