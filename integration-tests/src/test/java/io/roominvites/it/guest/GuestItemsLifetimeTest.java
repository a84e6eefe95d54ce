package io.roominvites.it.guest;

import io.roominvites.it.support.Service;
import io.roominvites.it.support.Service.Response;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifetimes of guest links and requests to join (docs/lifetimes.md), with DynamoDB's TTL emulated on the service's
 * clock at its worst (an item goes the moment the clock passes its ttl): every item is kept until its room's
 * retirement date as it was at its write (the session's end + 30 days), then TTL removes it; the expiry and status
 * rules never depended on it.
 */
class GuestItemsLifetimeTest extends ServiceTest {

    /** The kinds of items of this room's guest links and requests (by the first part of their pk). */
    private Set<String> kindsOf(String room) {
        Set<String> kinds = new TreeSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = service.services().dynamoDb().scan(ScanRequest.builder()
                    .tableName(service.services().store().tableName()).consistentRead(true).exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> item : page.items()) {
                String pk = item.get("pk").s();
                for (String kind : List.of("GLINK", "GLUSE", "GLDEV", "JOINREQ", "JOINPEND")) {
                    if (pk.startsWith(kind + "#" + room)) {
                        kinds.add(kind + " " + item.get("sk").s().replaceAll("#[0-9A-Z]{26}$|[0-9]+$", ""));
                        assertTrue(item.containsKey("ttl"), "every item has a ttl: " + item);
                    }
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return kinds;
    }

    @Test
    void guestLinksTheirUsesAndRequestsAreKeptUntilTheRoomsRetirementThenTtlRemovesThem() {
        service.enableInvitations();
        String room = Service.roomId("kept");
        service.room(room, Duration.ofMinutes(-5), Duration.ofHours(2), true, List.of(), List.of(), List.of());
        String owner = service.token(Service.OWNER);
        Response created = service.call("POST", "/rooms/" + room + "/guest-links", owner,
                Map.of("label", "Kept", "maxUses", 1)).expect(201);
        String token = GuestLinksTest.guestToken(created);
        service.call("POST", "/guest/redeem", null, Map.of("token", token, "deviceId", "kept-device-1",
                "firstName", "Kit", "lastName", "Kept")).expect(200);
        service.call("POST", "/invites/join-requests", null, Map.of("token", token, "email", "kit@example.org"))
                .expect(202);
        Set<String> all = Set.of("GLINK LINK", "GLINK SLOT#", "GLUSE #USES", "GLDEV #DEVICE", "JOINREQ REQ",
                "JOINPEND #PENDING");
        assertEquals(all, kindsOf(room));
        // past the session's end and most of the 30 days after it: all kept (the list still shows the link)
        service.advance(Duration.ofHours(2).plus(Duration.ofDays(29)));
        assertEquals(all, kindsOf(room));
        assertEquals(1, service.call("GET", "/rooms/" + room + "/join-requests", service.token(Service.OWNER), null).expect(200)
                .list("joinRequests").size());
        // past the retirement date: TTL removed every one of them
        service.advance(Duration.ofDays(1).plusMinutes(10));
        assertEquals(Set.of(), kindsOf(room));
        // the link, gone with its room, still says what happened to it (as a retired room's invite links do), to a
        // guest who held a use and to a new one
        service.call("POST", "/guest/preview", null, Map.of("token", token, "deviceId", "kept-device-1"))
                .expectError(410, "LINK_EXPIRED");
        service.call("POST", "/guest/redeem", null, Map.of("token", token, "deviceId", "kept-device-2",
                "firstName", "Kim", "lastName", "Late")).expectError(410, "LINK_EXPIRED");
    }
}
