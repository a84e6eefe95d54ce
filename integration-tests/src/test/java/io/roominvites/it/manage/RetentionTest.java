package io.roominvites.it.manage;

import io.roominvites.email.EmailGateway;
import io.roominvites.it.support.Service;
import io.roominvites.it.support.ServiceTest;
import io.roominvites.testing.Backend;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, items 1 and 2: every item's lifetime, kept under every change (docs/lifetimes.md), with DynamoDB's TTL
 * emulated on the service's clock at its worst (an expired item is deleted the moment the clock passes its TTL,
 * {@code TtlSweeper}) and the stream consumer retiring a room when TTL removes its retire marker. Nothing here
 * deletes an item by hand: what is gone, TTL and the retirement removed.
 */
class RetentionTest extends ServiceTest {
    @Override
    protected Service createService(Backend backend) {
        return new Service(backend, EmailGateway.NONE, true); // with the stream consumer, as deployed
    }

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    private static Map<String, Object> roomBody(Instant start, Instant end) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("title", "Kept over time");
        body.put("description", "A session that moves.");
        body.put("startsAt", start.toString());
        body.put("endsAt", end.toString());
        body.put("chatAndCollaborationEnabled", true);
        body.put("owner", Service.OWNER);
        return body;
    }

    private void putRoom(String room, Instant start, Instant end) {
        service.call("PUT", "/admin/rooms/" + room, service.adminToken(), roomBody(start, end)).expect(200);
    }

    /** Every item of the room's own partitions and its invites' partitions (the room, gates, marker, invites, history). */
    private List<Map<String, AttributeValue>> itemsOf(String room) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = service.services().dynamoDb().scan(ScanRequest.builder()
                    .tableName(service.services().store().tableName()).consistentRead(true).exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> item : page.items()) {
                String pk = item.get("pk").s();
                if (pk.equals("ROOM#" + room) || pk.startsWith("ROOM#" + room + "#GATE#") || pk.startsWith("INVITE#" + room + "#")) {
                    out.add(item);
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private List<String> historyTypes(String room, String inviteId) {
        return service.call("GET", "/rooms/" + room + "/invites/" + inviteId + "/history", service.token(Service.OWNER),
                null).expect(200).list("events").stream().map(e -> (String) e.get("type")).toList();
    }

    @Test
    void noInviteIsDeletedWhileItsSessionIsOnWhereverTheRoomMoves() throws Exception {
        String room = Service.roomId("moved-later");
        Instant now = service.clock().instant();
        putRoom(room, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(1)));
        Service.Invited a = new Service.Invited(room, service.invite(room, "ana@example.org", "VIEWER"));
        Service.Invited b = new Service.Invited(room, service.invite(room, "ben@example.org", "VIEWER"));
        service.redeem(a.token(), "device-moved-a", "ana@example.org").expect(200);
        service.redeem(b.token(), "device-moved-b", "ben@example.org").expect(200);

        // the session moves 90 days later; the clock goes there (TTL deletes whatever expired on the way)
        putRoom(room, now.plus(Duration.ofDays(90)), now.plus(Duration.ofDays(90)).plus(Duration.ofHours(1)));
        service.advance(Duration.ofDays(90).plus(Duration.ofMinutes(1)));

        service.redeem(a.token(), "device-moved-a", null).expect(200);
        service.redeem(b.token(), "device-moved-b", null).expect(200);
        await("the re-entry's entry", () -> historyTypes(room, a.id()).size() == 3);
        assertEquals(List.of("Invite Created", "Invite Redeemed", "Invite Reentered"), historyTypes(room, a.id()),
                "the history is kept as long as its invite");
    }

    @Test
    void theHistoryLivesAsLongAsItsInviteWhateverWroteItFirst() throws Exception {
        String room = Service.roomId("history-kept");
        Instant now = service.clock().instant();
        putRoom(room, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(2)));
        Service.Invited a = new Service.Invited(room, service.invite(room, "hal@example.org", "VIEWER"));
        service.redeem(a.token(), "device-history-a", "hal@example.org").expect(200);
        await("the first entries", () -> historyTypes(room, a.id()).size() == 2);
        // a session extended by 60 days: the invite lives on; so must the entries its first writes made
        putRoom(room, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(60)));
        service.advance(Duration.ofDays(45));
        service.manage(room, a.id(), "promote", Map.of("role", "MODERATOR")).expect(200);
        await("all three entries", () -> historyTypes(room, a.id()).size() == 3);
        assertEquals(List.of("Invite Created", "Invite Redeemed", "Invite Promoted"), historyTypes(room, a.id()));
    }

    @Test
    void aRoomIsRetiredWholeThirtyDaysAfterItsSessionAndItsLinksThenSayTheyExpired() throws Exception {
        String room = Service.roomId("retired");
        Instant now = service.clock().instant();
        putRoom(room, now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(1)));
        Service.Invited a = new Service.Invited(room, service.invite(room, "rita@example.org", "VIEWER"));
        service.redeem(a.token(), "device-retired-a", "rita@example.org").expect(200);
        Service.Invited pending = new Service.Invited(room, service.invite(room, "pam@example.org", "VIEWER"));
        // the room, its marker, 32 gates, 2 invites, 3 history entries (Created twice, Redeemed)
        int stored = 1 + 1 + 32 + 2 + 3;
        await("every item written", () -> itemsOf(room).size() == stored);

        // 29 days after the end: everything is kept, the manager still sees the invites
        service.advance(Duration.ofHours(1).plus(Duration.ofDays(29)));
        assertEquals(stored, itemsOf(room).size());
        service.call("GET", "/rooms/" + room + "/invites", service.token(Service.OWNER), null).expect(200);
        service.redeem(a.token(), "device-retired-a", null).expectError(410, "SESSION_ENDED");

        // past 30 days: TTL removes the marker, the stream consumer retires the room and all that is in it
        service.advance(Duration.ofDays(1).plus(Duration.ofMinutes(1)));
        await("the room's retirement", () -> itemsOf(room).isEmpty());
        // nothing of the room is left to tell more: the links expired long ago, and say so
        service.redeem(a.token(), "device-retired-a", null).expectError(410, "LINK_EXPIRED");
        service.preview(pending.token(), null).expectError(410, "LINK_EXPIRED");
        service.call("GET", "/rooms/" + room + "/invites", service.token(Service.OWNER), null).expectError(404, "ROOM_NOT_FOUND");

        // the id is free again: a new room of that id knows nothing of the old links
        putRoom(room, service.clock().instant().minus(Duration.ofMinutes(5)), service.clock().instant().plus(Duration.ofHours(1)));
        service.redeem(a.token(), "device-retired-a", null).expectError(410, "LINK_EXPIRED");
        service.redeem(pending.token(), "device-retired-p", "pam@example.org").expectError(410, "LINK_EXPIRED");
    }

    @Test
    void aDeletedRoomsLinksSayRoomDeletedUntilEveryLinkItHadExpiredThenItIsRetired() throws Exception {
        String room = Service.roomId("deleted-kept");
        Instant now = service.clock().instant();
        putRoom(room, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)).plus(Duration.ofHours(1)));
        Service.Invited a = new Service.Invited(room, service.invite(room, "del@example.org", "VIEWER"));
        service.call("DELETE", "/admin/rooms/" + room, service.adminToken(), null).expect(204);
        service.advance(Duration.ofDays(59));
        service.preview(a.token(), null).expectError(410, "ROOM_DELETED");
        assertTrue(itemsOf(room).size() > 30, "the tombstone and its invites are kept");
        // a deleted room stays deleted: its id is not free while its tombstone stands
        service.call("PUT", "/admin/rooms/" + room, service.adminToken(),
                roomBody(service.clock().instant(), service.clock().instant().plus(Duration.ofHours(1)))).expectError(410, "ROOM_DELETED");

        service.advance(Duration.ofDays(1).plus(Duration.ofMinutes(1)));
        await("the deleted room's retirement", () -> itemsOf(room).isEmpty());
    }

    @Test
    void aSessionMovedIntoThePastKeepsItsInvitesThirtyDaysFromTheChange() throws Exception {
        String room = Service.roomId("moved-back");
        Instant now = service.clock().instant();
        putRoom(room, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        Service.Invited a = new Service.Invited(room, service.invite(room, "back@example.org", "VIEWER"));
        // a mistake: the session set a year back; nothing is lost at once, and the mistake can be undone
        putRoom(room, now.minus(Duration.ofDays(365)), now.minus(Duration.ofDays(365)).plus(Duration.ofHours(1)));
        service.advance(Duration.ofDays(29));
        assertEquals(1, listed(room), "kept 30 days from the change");
        putRoom(room, service.clock().instant().minus(Duration.ofMinutes(1)), service.clock().instant().plus(Duration.ofDays(2)));
        service.advance(Duration.ofDays(2));
        assertEquals(1, listed(room), "the invite outlived the mistake: the room's new end governs");
        assertTrue(itemsOf(room).stream().anyMatch(i -> i.get("pk").s().equals("INVITE#" + room + "#" + a.id())));
    }

    private int listed(String room) {
        return service.call("GET", "/rooms/" + room + "/invites", service.token(Service.OWNER), null).expect(200)
                .list("invites").size();
    }
}
