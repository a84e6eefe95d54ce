package io.roominvites.it.invitee;

import io.roominvites.it.invitee.Invitee.PendingAndEntered;
import io.roominvites.it.support.Service.Invited;
import io.roominvites.it.support.ServiceTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.roominvites.it.invitee.Invitee.expectError;
import static io.roominvites.it.invitee.Invitee.pendingAndEntered;
import static io.roominvites.it.invitee.Invitee.preview;
import static io.roominvites.it.invitee.Invitee.redeem;

/**
 * "Deleted rooms stay as tombstones so their links say ROOM_DELETED" (README), and DynamoDB TTL only cleans up: once
 * TTL has removed a deleted room's invites (30 days after their link and session are over; DynamoDB Local does it
 * within seconds), their links must still say ROOM_DELETED, not LINK_INVALID or LINK_EXPIRED.
 */
class DeletedRoomAfterCleanupTest extends ServiceTest {
    private static final String GUEST = "guest@example.org";

    @Override
    protected void afterStart() {
        service.enableInvitations();
    }

    /** What DynamoDB TTL does to an invite item: removes it. */
    private void removedByTtl(Invited invited) {
        service.services().dynamoDb().deleteItem(b -> b.tableName(service.services().store().tableName())
                .key(Map.of("pk", AttributeValue.fromS("ROOM#" + invited.room()),
                        "sk", AttributeValue.fromS("INVITE#" + invited.id()))));
    }

    @Test
    void aDeletedRoomsLinksStillSayRoomDeletedOnceTtlRemovedTheirInvites() {
        PendingAndEntered invites = pendingAndEntered(service, "deleted-ttl", GUEST, "second@example.org",
                "device-dttl-A");
        service.call("DELETE", "/admin/rooms/" + invites.room(), service.adminToken(), null).expect(204);
        for (Invited invited : List.of(invites.pending(), invites.entered())) {
            removedByTtl(invited);
        }

        // the links have not expired yet
        expectError(preview(service, invites.pendingToken(), null, null), 410, "ROOM_DELETED");
        expectError(redeem(service, invites.pendingToken(), "device-dttl-B", GUEST, null), 410, "ROOM_DELETED");
        expectError(preview(service, invites.enteredToken(), "device-dttl-A", null), 410, "ROOM_DELETED");
        expectError(redeem(service, invites.enteredToken(), "device-dttl-A", null, null), 410, "ROOM_DELETED");

        // nor once they have
        service.advance(Duration.ofDays(2));
        expectError(preview(service, invites.pendingToken(), null, null), 410, "ROOM_DELETED");
        expectError(redeem(service, invites.enteredToken(), "device-dttl-A", null, null), 410, "ROOM_DELETED");
    }
}
