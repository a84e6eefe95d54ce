package io.roominvites.it.manage;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DynamoDB TTL only cleans up: an invite is never due for removal before its link expires or its session (as known at
 * the invite's last write) ends, and a room change, which no longer writes any invite, cannot pull that date earlier.
 */
class RetentionTest extends ServiceTest {
    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    private long ttl(String room, String inviteId) {
        Map<String, AttributeValue> item = service.services().dynamoDb().getItem(b -> b
                .tableName(service.services().store().tableName())
                .key(Map.of("pk", AttributeValue.fromS("INVITE#" + room + "#" + inviteId), "sk", AttributeValue.fromS("#INVITE")))
                .consistentRead(true)).item();
        return Long.parseLong(item.get("ttl").n());
    }

    @Test
    void theRecordOutlivesItsLinkAndItsSessionWhateverTheRoomDoes() {
        String room = Service.roomId("retention");
        // a session that ends long after the link (1440 minutes) expires
        service.room(room, Duration.ofMinutes(-5), Duration.ofDays(3), true, java.util.List.of(), java.util.List.of(),
                java.util.List.of());
        Service.Response created = service.invite(room, "keep@example.org", "VIEWER");
        String id = Service.inviteId(created);
        Instant linkExpiry = Instant.parse((String) created.obj("invite").get("expiresAt"));
        Instant sessionEnd = service.clock().instant().minus(Duration.ofMinutes(5)).plus(Duration.ofDays(3));
        long created30 = ttl(room, id);
        assertTrue(created30 >= sessionEnd.plus(Duration.ofDays(30)).getEpochSecond() - 5,
                "kept 30 days past the session's end: " + Instant.ofEpochSecond(created30));
        assertTrue(created30 >= linkExpiry.plus(Duration.ofDays(30)).getEpochSecond());

        // the room moved far into the past: the invite's record keeps its date
        Map<String, Object> moved = new LinkedHashMap<>();
        Instant past = service.clock().instant().minus(Duration.ofDays(400));
        moved.put("title", "Moved");
        moved.put("startsAt", past.toString());
        moved.put("endsAt", past.plus(Duration.ofHours(1)).toString());
        moved.put("chatAndCollaborationEnabled", true);
        moved.put("owner", Service.OWNER);
        service.call("PUT", "/admin/rooms/" + room, service.adminToken(), moved).expect(200);
        assertEquals(created30, ttl(room, id), "a room change writes no invite");
        assertTrue(ttl(room, id) > linkExpiry.getEpochSecond(), "never due before the link expires");
    }
}
